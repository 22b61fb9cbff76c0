"""The Redis cache backend: a cache that never fails a request, keeping its redis-py clients.

Redis is only a cache here, so when it does not answer (stopped, unreachable, hung) every
call is a miss: reads give the default, writes are dropped, ``incr`` finds no key, and the
callers recompute from the database. The outage is logged at most once a minute per
process. Callers stay plain Django cache calls.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# A call waits at most this long for Redis (settings.CACHE_TIMEOUT_SECONDS overrides it).
DEFAULT_TIMEOUT_SECONDS = 0.25
# After a failure Redis is left alone this long: a hung Redis then costs one timeout per
# second and thread, not one per cache call.
RETRY_AFTER_SECONDS = 1.0
WARN_EVERY_SECONDS = 60
# Stale entries are dropped in batches of this many keys.
SCAN_BATCH = 500


class _OutageLog:
    """Logs that the cache is down at most once every WARN_EVERY_SECONDS per process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._last = None

    def failed(self, error):
        now = time.time()
        with self._lock:
            # A clock set back logs again rather than staying silent until it catches up.
            if self._last is not None and 0 <= now - self._last < WARN_EVERY_SECONDS:
                return
            self._last = now
        logger.warning(
            "The cache (Redis) does not answer (%s: %s); serving without it: reads miss, "
            "writes are dropped. Said at most once a minute.",
            type(error).__name__,
            error,
        )


_outage_log = _OutageLog()


class RedisCacheClient(redis.RedisCacheClient):
    """Django makes a new redis-py client for every cache call, and each one builds its
    table of response callbacks (a few hundred entries); a client is safe to share over
    its connection pool, so keep one per pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Private, but the only way to know which pool (server) the call goes to without
        # building a client; tests/core/test_cache.py checks its signature.
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = super().get_client(key, write=write)
        return self._clients[index]

    def delete_matching(self, pattern):
        """Delete every key matching ``pattern``, a batch at a time (SCAN never blocks
        Redis the way KEYS does)."""
        client = self.get_client(write=True)
        batch = []
        for key in client.scan_iter(match=pattern, count=SCAN_BATCH):
            batch.append(key)
            if len(batch) == SCAN_BATCH:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)


def _with_timeouts(options):
    seconds = getattr(settings, "CACHE_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)
    return {"socket_connect_timeout": seconds, "socket_timeout": seconds, **options}


class RedisCache(redis.RedisCache):
    """Django's Redis cache, failing safe. A write lost in an outage could leave an old
    value behind (a catalogue stamp, the working calendar), so once Redis answers again
    the first call drops every entry of this cache, never the Celery queues beside it."""

    def __init__(self, server, params):
        super().__init__(server, {**params, "OPTIONS": _with_timeouts(params.get("OPTIONS", {}))})
        # Django offers no public setting for the client class (OPTIONS only reach the
        # client's constructor); tests/core/test_cache.py fails if this private hook, or
        # the ``_cache`` property built from it, changes.
        self._class = RedisCacheClient
        self._retry_at = 0.0
        self._lost_writes = False

    @property
    def available(self):
        """False for a moment after Redis failed to answer (the throttles read it)."""
        return time.monotonic() >= self._retry_at

    def _attempt(self, operation, *args, miss=None, writes=False, **kwargs):
        """``operation(*args, **kwargs)``, or ``miss`` when Redis does not answer."""
        if self.available:
            try:
                if self._lost_writes:
                    self._drop_stale_entries()
                return operation(*args, **kwargs)
            except RedisError as error:
                self._retry_at = time.monotonic() + RETRY_AFTER_SECONDS
                _outage_log.failed(error)
        if writes:
            self._lost_writes = True
        return miss

    def _drop_stale_entries(self):
        # make_key("*", version="*") is the pattern of every key this cache writes.
        # ``_cache`` (private) is the only way to this cache's own client.
        self._cache.delete_matching(self.make_key("*", version="*"))
        self._lost_writes = False
        logger.warning("The cache (Redis) answers again; entries older than the outage dropped.")

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, key, default, version, miss=default)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, keys, version, miss={})

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, key, version, miss=False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # A lost add leaves nothing stale behind: it never replaces a value.
        return self._attempt(super().add, key, value, timeout, version, miss=False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set, key, value, timeout, version, miss=False, writes=True)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be stored.
        return self._attempt(super().set_many, data, timeout, version, miss=list(data), writes=True)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().touch, key, timeout, version, miss=False)

    def delete(self, key, version=None):
        return self._attempt(super().delete, key, version, miss=False, writes=True)

    def delete_many(self, keys, version=None):
        return self._attempt(super().delete_many, keys, version, writes=True)

    def incr(self, key, delta=1, version=None):
        """Like a missing key (ValueError) when Redis does not answer; decr calls it."""
        missing = object()
        result = self._attempt(super().incr, key, delta, version, miss=missing)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache does not answer).")
        return result

    def clear(self):
        return self._attempt(super().clear, miss=False, writes=True)
