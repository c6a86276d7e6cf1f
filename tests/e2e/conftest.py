"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live_server."""

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def _django_connections(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return {alias: connections[alias] for alias in connections}


@pytest.fixture(scope="session")
def playwright(_django_connections):
    """Start Playwright, then hand Django back the connections pytest-django prepared.

    Once Playwright's event loop runs in the main thread, asgiref's Local would give test code other
    connection objects than the ones the test database and serialized rollback were set up on.
    """
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    for alias, connection in _django_connections.items():
        connections[alias] = connection
    yield pw
    pw.stop()


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "sv-SE", "timezone_id": "Europe/Stockholm"}


@pytest.fixture(autouse=True)
def _page_timeouts(request):
    if "page" in request.fixturenames:
        page = request.getfixturevalue("page")
        page.set_default_timeout(15_000)


# Helpers live in tests/e2e/helpers.py; import them from there in test modules.
from tests.e2e.helpers import assert_no_axe_violations, first_link, login  # noqa: E402,F401
