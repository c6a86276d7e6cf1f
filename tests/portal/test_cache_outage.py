"""With the cache's Redis unreachable (a real connection refused, nothing mocked), pages still answer."""

import pytest

from portal.cache_backends import TolerantRedisCache

DOWN = "redis://127.0.0.1:1/0"


def test_tolerant_cache_treats_a_refused_connection_as_a_miss():
    cache = TolerantRedisCache(DOWN, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is False
    assert cache.get_or_set("k", lambda: 7) == 7
    cache.set("k", 1)  # dropped, does not raise
    cache.delete("k")


@pytest.mark.django_db
def test_home_page_and_login_answer_while_redis_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache_backends.TolerantRedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    settings.PORTAL_PAGE_CACHE_SECONDS = 120
    for path in ("/", "/accounts/login/"):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
