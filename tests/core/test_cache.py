"""The Redis cache backend on the real Redis: Django's behaviour, one client per pool."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.cache import RedisCache

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.integration


@pytest.fixture
def redis_cache():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-core-cache"})
    yield cache
    cache.clear()


def test_values_round_trip_as_with_django_backend(redis_cache):
    redis_cache.set("stamp", 17)
    assert redis_cache.add("stamp", 18) is False
    redis_cache.set_many({"version": (17, {"number": 2}), "count": 5})

    assert redis_cache.get_many(["stamp", "version", "missing"]) == {
        "stamp": 17,
        "version": (17, {"number": 2}),
    }
    assert redis_cache.incr("count") == 6
    redis_cache.delete("stamp")
    assert redis_cache.get("stamp", "gone") == "gone"


def test_one_client_serves_every_call_and_thread(redis_cache):
    first = redis_cache._cache.get_client(write=True)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: redis_cache.set(f"key-{n}", n), range(64)))
        found = list(pool.map(lambda n: redis_cache.get(f"key-{n}"), range(64)))

    assert found == list(range(64))
    assert redis_cache._cache.get_client() is first
