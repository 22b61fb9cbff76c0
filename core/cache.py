"""The Redis cache backend, keeping its redis-py clients."""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    """Django makes a new redis-py client for every cache call, and each one builds its
    table of response callbacks (a few hundred entries); a client is safe to share over
    its connection pool, so keep one per pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = super().get_client(key, write=write)
        return self._clients[index]


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
