"""Issue 19, defects 3 and 4 in a real browser: the search page and the error pages fit a phone and a
desktop without horizontal scrolling, in both languages, with no axe violations. Set PORTAL_SHOTS_DIR to
keep screenshots of each."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.e2e.helpers import assert_no_axe_violations
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1280, 375)


@pytest.fixture
def seeded(django_db_blocker):
    call_command("seed_demo", verbosity=0)


def _check(page, name: str, width: int):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} at {width} px is {overflow} px wider than the viewport"
    assert_no_axe_violations(page, f"{name} at {width} px")
    shots = os.environ.get("PORTAL_SHOTS_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)


def test_search_page_groups_results_and_fits_every_width(seeded, live_server, page):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for prefix, query, heading in (("", "barn", "Möten"), ("/en", "kunskapslyft", "Consultations")):
            page.goto(f"{live_server.url}{prefix}/search/?q={query}")
            assert page.locator("main h2", has_text=heading).count() == 1
            if query == "barn":  # the meeting and the organisation working with children (issue 19)
                assert page.locator("main h2", has_text="Organisationer").count() == 1
            _check(page, f"search{prefix.replace('/', '-')}-{query}", width)


def test_error_pages_fit_every_width(live_server, page):
    org = OrganisationFactory(status="pending", slug="vantande")
    admin = MembershipFactory(organisation=org, role="admin", user__email="pending-admin@example.org").user
    admin.set_password("ett-riktigt-bra-losenord")
    admin.save()
    from tests.e2e.helpers import login

    login(page, live_server, "pending-admin@example.org", "ett-riktigt-bra-losenord")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for prefix in ("", "/en"):
            response = page.goto(f"{live_server.url}{prefix}/organisationer/vantande/bjud-in/")
            assert response.status == 403
            assert page.locator("html").get_attribute("lang") == (prefix.strip("/") or "sv")
            _check(page, f"403{prefix.replace('/', '-')}", width)
            response = page.goto(f"{live_server.url}{prefix}/finns-inte/")
            assert response.status == 404
            _check(page, f"404{prefix.replace('/', '-')}", width)
