import os

import pytest

# Playwright's sync API keeps an event loop in the main thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _index_static_files_once():
    """Each test client builds Django's middleware chain afresh, and WhiteNoise's middleware then stats and
    indexes every file under STATIC_ROOT: about 60 ms a client, 780 times in the no-500 POST sweep alone
    (48 of its 111 s under a profiler). The files do not change during a run (`make test` collects them
    first), so a directory's index is built once per process and configuration and copied into each new
    middleware; what each middleware serves, and with which headers, is what it would have built."""
    from django.conf import settings
    from whitenoise.base import WhiteNoise

    original = WhiteNoise.update_files_dictionary
    built: dict = {}

    def update_files_dictionary(self, root, prefix):
        key = (
            type(self),
            root,
            prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.index_file,
            self.add_headers_function,
            settings.STATIC_URL,
            repr(settings.STORAGES.get("staticfiles")),
        )
        if key not in built:
            before = dict(self.files)
            original(self, root, prefix)
            built[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(built[key])

    WhiteNoise.update_files_dictionary = update_files_dictionary


_index_static_files_once()


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
    # Among the transactional tests, the longest browser flows (marked `long(seconds)`) start first,
    # longest first, then those with a real worker (long waits for redeliveries, outages, beat), so that
    # in parallel runs no process is left with one of them at the end while the others are idle.
    items.sort(
        key=lambda item: (
            _is_transactional(item),
            -_expected_seconds(item),
            not item.get_closest_marker("integration"),
        )
    )


def _expected_seconds(item) -> float:
    marker = item.get_closest_marker("long")
    return float(marker.args[0]) if marker and marker.args else 0.0


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


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo (`seed_demo`) seeded once for the tests of one module, inside a transaction that is
    rolled back when the module ends. Each test still runs in its own savepoint within it (pytest-django's
    `db`), so what a test changes, re-seeding included, is undone after that test. Seeding takes 5-10 s,
    and some modules have a dozen tests that read the seeded site. The seed runs under the same settings
    `_test_settings` gives a test. Returns the seed command (its output and demo passwords)."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    from portal.celery import app
    from portal.management.commands.seed_demo import Command

    media = tmp_path_factory.mktemp("demo_once")
    overrides = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        CELERY_TASK_ALWAYS_EAGER=True,
        MEDIA_ROOT=str(media / "media"),
        PRIVATE_MEDIA_ROOT=str(media / "private_media"),
    )
    previous = app.conf.task_always_eager
    with django_db_blocker.unblock(), overrides:
        app.conf.task_always_eager = True
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            command = Command(stdout=StringIO(), stderr=StringIO())
            call_command(command)
            yield command
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            app.conf.task_always_eager = previous
