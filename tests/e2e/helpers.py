"""Helpers for the browser tests."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def assert_no_axe_violations(page, label: str = ""):
    """Run axe-core (WCAG 2.1 A and AA rules and best practices) on the page; fail with a readable list."""
    results = _axe.run(page)
    violations = results.response["violations"]
    if violations:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
            for v in violations
        ]
        pytest.fail(f"axe found {len(violations)} violation(s) on {label or page.url}:\n" + "\n".join(lines))


def login(page, live_server, email: str, password: str, language: str = "sv"):
    """Log in through the real allauth form."""
    prefix = "" if language == "sv" else f"/{language}"
    page.goto(f"{live_server.url}{prefix}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()


def first_link(text: str) -> str:
    """The first http(s) link in a text (an e-mail body)."""
    match = re.search(r"https?://\S+", text)
    assert match, f"no link in: {text!r}"
    return match.group(0)
