"""The Redis cache backend: Django's behaviour and one client per pool on the real Redis,
and a cache that never fails a request: with Redis refusing, hung or back from an outage,
every call is a miss, a call waits no longer than CACHE_TIMEOUT_SECONDS, the outage is
logged once a minute, and nothing written before the outage outlives it."""

import inspect
import logging
import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import redis
import time_machine
from django.core.cache.backends import redis as django_redis
from django.utils.functional import cached_property

from core.cache import RETRY_AFTER_SECONDS, RedisCache, RedisCacheClient
from tests.redis_server import RedisServer, free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-core-cache"})
    yield cache
    cache.clear()


def dead_cache():
    """The portal's cache pointed at a local port nothing listens on."""
    return RedisCache(f"redis://127.0.0.1:{free_port()}/0", {})


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers, like a hung Redis."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@pytest.fixture
def own_redis():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.mark.integration
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
    with pytest.raises(ValueError):  # a missing key is still a missing key
        redis_cache.incr("never-set")


@pytest.mark.integration
def test_one_client_serves_every_call_and_thread(redis_cache):
    """Fails if Django stops building its client from ``RedisCache._class`` (the private
    hook core/cache.py sets) or changes ``get_client``'s signature."""
    assert isinstance(redis_cache._cache, RedisCacheClient)
    first = redis_cache._cache.get_client(write=True)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: redis_cache.set(f"key-{n}", n), range(64)))
        found = list(pool.map(lambda n: redis_cache.get(f"key-{n}"), range(64)))

    assert found == list(range(64))
    assert redis_cache._cache.get_client() is first


def test_every_operation_is_a_miss_when_redis_refuses():
    cache = dead_cache()
    assert cache.get("calendar") is None
    assert cache.get("calendar", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("a") is False
    assert cache.add("a", 1) is False
    assert cache.set("a", 1) is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.touch("a") is False
    assert cache.delete("a") is False
    assert cache.delete_many(["a", "b"]) is None
    assert cache.clear() is False
    assert cache.get_or_set("a", 5) == 5
    for count in (cache.incr, cache.decr):
        with pytest.raises(ValueError):
            count("a")
    assert cache.available is False


def test_calls_go_back_to_redis_after_a_second():
    cache = dead_cache()
    cache.get("a")
    assert cache.available is False
    time.sleep(RETRY_AFTER_SECONDS + 0.05)
    assert cache.available is True


def test_a_hung_redis_costs_one_short_timeout_not_one_per_call(silent_port, settings):
    settings.CACHE_TIMEOUT_SECONDS = 0.1
    cache = RedisCache(f"redis://127.0.0.1:{silent_port}/0", {})

    started = time.monotonic()
    assert cache.get("calendar") is None
    first = time.monotonic() - started
    for _call in range(50):
        cache.get_many(["version", "calendar"])
    total = time.monotonic() - started

    assert 0.09 < first < 0.5
    assert total < first + 0.2


def test_the_timeout_defaults_to_a_fraction_of_a_second(settings):
    assert settings.CACHE_TIMEOUT_SECONDS == 0.25
    options = RedisCache("redis://127.0.0.1:6379/0", {})._options
    assert options["socket_timeout"] == options["socket_connect_timeout"] == 0.25


def test_the_outage_is_logged_once_a_minute_not_per_call(caplog):
    def warnings():
        return [r for r in caplog.records if r.name == "core.cache" and r.levelname == "WARNING"]

    caplog.set_level(logging.WARNING, logger="core.cache")
    # Far from any earlier test's warning; every new cache meets the outage afresh.
    with time_machine.travel(datetime.now() + timedelta(days=1), tick=False) as clock:
        for _request in range(20):
            cache = dead_cache()
            cache.get("calendar")
            cache.set("calendar", 1)
        assert len(warnings()) == 1
        assert "ConnectionError" in warnings()[0].getMessage()

        clock.shift(timedelta(seconds=30))
        dead_cache().get("calendar")
        assert len(warnings()) == 1

        clock.shift(timedelta(seconds=31))
        dead_cache().get("calendar")
        assert len(warnings()) == 2


@pytest.mark.integration
def test_a_write_lost_while_redis_hung_leaves_nothing_stale(own_redis, settings):
    """The calendar changed while Redis hung, so its deletion was lost: once Redis answers
    again the old calendar must not be served. The queues beside the cache stay."""
    settings.CACHE_TIMEOUT_SECONDS = 0.1
    cache = RedisCache(own_redis.url, {})
    cache.set("core:working-calendar", "old calendar")
    cache.set("other", "entry")
    broker = redis.Redis(port=own_redis.port)
    broker.lpush("celery", "a queued task")

    own_redis.freeze()
    try:
        assert cache.delete("core:working-calendar") is False
    finally:
        own_redis.thaw()
    time.sleep(RETRY_AFTER_SECONDS + 0.05)

    assert cache.get("core:working-calendar") is None
    assert cache.get("other") is None
    assert broker.lrange("celery", 0, -1) == [b"a queued task"]
    cache.set("core:working-calendar", "new calendar")
    assert cache.get("core:working-calendar") == "new calendar"


@pytest.mark.integration
def test_reads_missed_in_an_outage_drop_nothing(own_redis):
    cache = RedisCache(own_redis.url, {})
    cache.set("version", 7)
    own_redis.freeze()
    try:
        assert cache.get("version", "missed") == "missed"
    finally:
        own_redis.thaw()
    time.sleep(RETRY_AFTER_SECONDS + 0.05)
    assert cache.get("version") == 7


# core/cache.py leans on three private parts of Django's Redis backend, for want of a
# public way (docs/decisions.md); these fail, without Redis, when Django changes them.


def test_django_still_builds_its_client_from_the_private_class_hook():
    base = django_redis.RedisCache("redis://127.0.0.1:6379/0", {})
    assert base._class is django_redis.RedisCacheClient
    assert isinstance(vars(django_redis.RedisCache)["_cache"], cached_property)

    cache = RedisCache("redis://127.0.0.1:6379/0", {})
    assert isinstance(cache._cache, RedisCacheClient)  # built lazily, no connection yet
    assert cache._cache is cache._cache


def test_django_still_picks_a_pool_by_the_private_index():
    client = django_redis.RedisCacheClient
    assert list(inspect.signature(client._get_connection_pool_index).parameters) == [
        "self",
        "write",
    ]
    get_client = inspect.signature(client.get_client).parameters
    assert list(get_client) == ["self", "key", "write"]
    assert get_client["key"].default is None
    assert get_client["write"].kind is inspect.Parameter.KEYWORD_ONLY
    assert get_client["write"].default is False

    one_server = RedisCacheClient(["redis://127.0.0.1:6379/0"])
    assert one_server._get_connection_pool_index(True) == 0
    assert one_server._get_connection_pool_index(False) == 0
