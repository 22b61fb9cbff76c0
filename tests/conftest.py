import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from demo.results import sample_result_pdf
from tests.world import NOW, build_world, install_signing_keys


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


@pytest.fixture
def keys(settings, tmp_path, world):
    """Signing keys for the world's agencies, in a folder of the test's own."""
    return install_signing_keys(settings, tmp_path / "keys", world)


@pytest.fixture(scope="session")
def result_pdf():
    """A two-page result document to sign."""
    return sample_result_pdf("H01.23-261204-0001", "Ủy ban nhân dân thị xã Sơn Tây", pages=2)
