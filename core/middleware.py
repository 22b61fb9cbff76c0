"""Input limits at the door, for every page and endpoint at once.

Values no view can use are refused before any view runs, so no view has to remember them:

- a control character in the path, or a path longer than ``ONESTOP_INPUT_MAX_LENGTH``:
  404 (no page lives there; PostgreSQL would refuse a NUL in the lookup with a 500);
- a query string that is not UTF-8 once percent-decoded, a query name or value that breaks
  ``core.input_limits`` (control characters, dates outside 1900–2100), or a value longer
  than ``ONESTOP_INPUT_MAX_LENGTH``: 400;
- a request body whose Content-Type is malformed, repeats a parameter or names a character
  set that is not a text encoding (``zlib`` would decompress the body): 400;
- a form POST whose values break ``core.input_limits``, or a form-encoded one that is not
  UTF-8: 400. A multipart body is checked here only for views under the CSRF check, which
  reads it anyway; the API's views are exempt from that check and their multipart bodies
  are checked by their parser (``core.parsers``) once the caller is authenticated, so that
  no upload is stored for an anonymous caller.

API paths answer JSON (``{"detail": …}``, or ``{"<parameter>": ["…"]}`` for one value);
pages answer the site's 404/400 page with the reason.
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.log import log_response
from django.utils.translation import gettext as _

from .input_limits import first_problem, printable

API_PREFIX = "/api/"
FORM_ENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
UTF8_NAMES = {"utf-8", "utf8"}
PATH_CONTROL = re.compile("[\x00-\x1f\x7f]")
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_VALUE = r'(?:"(?:[^"\\]|\\.)*"|[^;\s"]+)'
MEDIA_TYPE = re.compile(rf"\s*{_TOKEN}/{_TOKEN}\s*")
PARAMETERS = re.compile(rf"(?:;\s*{_TOKEN}\s*=\s*{_VALUE}\s*)*;?\s*")
PARAMETER = re.compile(rf"({_TOKEN})\s*=\s*({_VALUE})")


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str
    parameter: str = ""


class InputLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = path_refusal(request) or content_type_refusal(request) or query_refusal(request)
        if refusal is None:
            return self.get_response(request)
        return refusal_response(request, refusal)

    def process_view(self, request, view_func, view_args, view_kwargs):
        refusal = form_refusal(request, view_func)
        return refusal_response(request, refusal) if refusal else None


def path_refusal(request):
    path = request.path_info
    if PATH_CONTROL.search(path) or len(path) > settings.ONESTOP_INPUT_MAX_LENGTH:
        return Refusal(404, _("There is no page at this address."))
    return None


def content_type_refusal(request):
    header = request.META.get("CONTENT_TYPE", "")
    if not header or not _has_body(request) or content_type_is_sound(header):
        return None
    return Refusal(
        400,
        _(
            "The Content-Type header is malformed, repeats a parameter or names a "
            "character set that is not a text encoding."
        ),
    )


def content_type_is_sound(header):
    media_type, semicolon, parameters = header.partition(";")
    if not MEDIA_TYPE.fullmatch(media_type) or not PARAMETERS.fullmatch(semicolon + parameters):
        return False
    pairs = [(name.lower(), value.strip('"')) for name, value in PARAMETER.findall(parameters)]
    names = [name for name, _value in pairs]
    if len(set(names)) != len(names):
        return False
    parameters = dict(pairs)
    if media_type.strip().lower().startswith("multipart/") and "boundary" not in parameters:
        return False
    charset = parameters.get("charset")
    return charset is None or _is_text_encoding(charset)


def _is_text_encoding(name):
    try:
        # Unlike codecs.lookup(), str.encode() refuses bytes-to-bytes codecs (zlib, base64).
        "".encode(name)
    except (LookupError, UnicodeError):
        return False
    return True


def _has_body(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > 0
    except ValueError:
        return False


def query_refusal(request):
    if not _query_is_utf8(request.META.get("QUERY_STRING", "")):
        return Refusal(400, _("The query string is not valid UTF-8 text."))
    problem = first_problem(request.GET.lists())
    if problem:
        return Refusal(400, problem[1], problem[0])
    limit = settings.ONESTOP_INPUT_MAX_LENGTH
    for name, values in request.GET.lists():
        longest = max(len(value) for value in (name, *values))
        if longest > limit:
            message = _(
                "At most %(limit)s characters are allowed here (this value has %(length)s)."
            ) % {"limit": limit, "length": longest}
            return Refusal(400, message, printable(name))
    return None


def form_refusal(request, view_func):
    if request.method != "POST":
        return None
    if request.content_type == FORM_ENCODED:
        if (request.encoding or "utf-8").lower() in UTF8_NAMES and not _decodes(request.body):
            return Refusal(400, _("The form sent is not valid UTF-8 text."))
    elif request.content_type != MULTIPART or getattr(view_func, "csrf_exempt", False):
        return None
    problem = first_problem(request.POST.lists())
    if problem:
        return Refusal(400, problem[1], problem[0])
    return None


def _query_is_utf8(query_string):
    try:
        raw = query_string.encode("latin-1")  # WSGI hands over the bytes as latin-1
    except UnicodeEncodeError:
        return True  # an ASGI server hands over text already decoded
    return _decodes(raw)


def _decodes(percent_encoded):
    """Whether percent-encoded bytes are UTF-8 once decoded (Django would otherwise put
    replacement characters in their place without a word)."""
    try:
        unquote_to_bytes(percent_encoded).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def refusal_response(request, refusal):
    if request.path_info.startswith(API_PREFIX):
        if refusal.parameter:
            body = {refusal.parameter: [refusal.message]}
        else:
            body = {"detail": refusal.message}
        response = JsonResponse(
            body, status=refusal.status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        context = {"message": refusal.message, "parameter": refusal.parameter}
        response = render(request, f"{refusal.status}.html", context, status=refusal.status)
    log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request)
    return response
