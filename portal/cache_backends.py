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


class TolerantRedisCache(RedisCache):
    """The same backend, but an unreachable Redis is a cache miss, not a 500.

    Every read answers its default and every write is dropped (logged once per call) when Redis raises
    a connection or timeout error, so pages render from the database while Redis is down; Wagtail's
    Site lookup, the page cache and the rate limits all go through here.
    """

    _TOLERATED = (
        "get",
        "get_many",
        "set",
        "set_many",
        "add",
        "touch",
        "delete",
        "delete_many",
        "has_key",
        "clear",
        "get_or_set",
    )

    def __getattribute__(self, name):
        attr = super().__getattribute__(name)
        if name in TolerantRedisCache._TOLERATED:
            return _tolerant(name, attr)
        return attr


_MISS_RESULTS = {
    "get_many": dict,
    "set_many": list,
    "add": lambda: False,
    "touch": lambda: False,
    "delete": lambda: False,
    "has_key": lambda: False,
}


def _tolerant(name, method):
    import functools
    import logging

    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            logging.getLogger("portal.cache").warning("Cache %s failed, treated as a miss: %s", name, exc)
            if name == "get":
                return kwargs.get("default", args[1] if len(args) > 1 else None)
            if name == "get_or_set":
                default = kwargs.get("default", args[1] if len(args) > 1 else None)
                return default() if callable(default) else default
            factory = _MISS_RESULTS.get(name)
            return factory() if factory else None

    return wrapper
