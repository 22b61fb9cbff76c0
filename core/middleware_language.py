"""The interface language: Vietnamese for every visitor, English only when chosen.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so a browser
set to English would get an English interface over Vietnamese data, while the national
portal always opens in Vietnamese. Here only the language cookie written by the
``set_language`` view counts; without it (or with an unknown code) the page is in
``LANGUAGE_CODE``.

The API keeps the header: its callers are programs, which have no language switch, and
its errors are documented as Vietnamese unless ``Accept-Language: en``.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .middleware import API_PREFIX


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, varies_by(request))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def chosen_language(request):
    if request.path_info.startswith(API_PREFIX):
        return translation.get_language_from_request(request)
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code and translation.check_for_language(code):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


def varies_by(request):
    return ("Accept-Language",) if request.path_info.startswith(API_PREFIX) else ("Cookie",)
