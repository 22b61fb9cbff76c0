import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from tests.world import NOW, build_world


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


@pytest.fixture
def clock():
    """Time stands at ``tests.world.NOW`` (Monday 09:00 in Hà Nội); move it with
    ``clock.shift(…)`` or ``clock.move_to(…)``."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db):
    """The towns, their people and the catalogue of ``tests.world``."""
    return build_world()
