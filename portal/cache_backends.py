"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` object for every cache call, and
redis-py's constructor fills a table of some 170 response callbacks each time: about a fifth of a
millisecond of Python per call, which was most of the cost of answering a page from the cache
(bench/cache_hit.py). A `redis.Redis` object is safe to share between threads (each command takes a
connection from the pool), so one per pool is enough. Everything else is Django's backend unchanged.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key):
        """Django scans every key, character by character, only to warn that memcached would refuse it;
        Redis takes any key, and the scan was a tenth of the cost of a page-cache hit's lookup."""
