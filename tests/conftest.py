import os

import pytest

# Playwright's sync API keeps an event loop in the main thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (integration, e2e) run last, after every test that runs in a rolled-back
    transaction. pytest-django sorts them so, but pytest then regroups the tests that share the
    session-scoped, parametrised browser fixture, which moved some ordinary tests behind the browser
    tests: those then ran on a database that the browser tests had flushed."""
    # Among the transactional tests, those with a real worker (long waits for redeliveries, outages,
    # beat) start first, so that in parallel runs no process is left with one of them at the end.
    items.sort(key=lambda item: (_is_transactional(item), not item.get_closest_marker("integration")))


@pytest.fixture(autouse=True)
def _test_settings(request, settings, tmp_path_factory):
    """Fast password hashing, a private in-memory cache and in-process Celery tasks for every test,
    except the integration tests, which keep the real Redis and a real worker."""
    from django.utils import translation

    # A request to /en/ leaves English active in the thread; every test starts in Swedish.
    translation.activate(settings.LANGUAGE_CODE)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Private files (portal/private_media.py) of a test stay in a folder of its own, out of the checkout.
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path_factory.mktemp("private_media"))
    if request.node.get_closest_marker("integration"):
        yield
        return
    from portal.celery import app

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    from django.core.cache import cache

    cache.clear()
    yield
    app.conf.task_always_eager = previous


def require_service(name: str, url: str | None) -> str:
    """The URL of a service a test needs; skips locally when it is not configured, fails in CI."""
    if url:
        return url
    message = f"{name} is not configured (set {name}); `make test` sets it for you."
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
