"""Django's Redis cache with one client per connection pool instead of one per call.

Django's RedisCacheClient.get_client() builds a new redis.Redis object for every cache
operation, and each build fills a table of ~170 response callbacks: on a page whose parts
are cold (a dozen cache calls) that was a few milliseconds of CPU for nothing. A redis.Redis
client is safe to share between threads (connections come from its pool), so one per pool
is kept for the life of the process."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient
