import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The working calendar and throttle counters live in the cache; no test may inherit
    # another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    return APIClient()
