import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The working calendar and throttle counters live in the cache; no test may inherit
    # another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request in another language leaves that language active in the thread (the locale
    # middleware sets it and nothing resets it), so each test starts in the site's own.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def api_client():
    return APIClient()
