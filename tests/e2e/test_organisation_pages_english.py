"""Every organisation page in English, for the person who may open it, with zero axe violations
(the journey test covers them in Swedish)."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from organisations.models import Organisation
from tests.e2e.helpers import assert_no_axe_violations, login
from tests.e2e.test_organisations_flow import totp_code
from tests.factories import add_totp, coordinator

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _visit(page, url, label):
    response = page.goto(url)
    assert response.status == 200, f"{label}: {response.status}"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").count() == 1, label
    assert_no_axe_violations(page, f"{label} (en)")


def test_organisation_pages_in_english(live_server, page):
    call_command("seed_demo", verbosity=0)
    base = f"{live_server.url}/en/organisationer/"
    admin_of = Organisation.objects.filter(
        memberships__user__email="org-admin@example.org",
        memberships__role="admin",
        status=Organisation.Status.APPROVED,
    ).first()
    pending = Organisation.objects.filter(status=Organisation.Status.PENDING).first()

    for path, label in [("", "directory"), (f"{admin_of.slug}/", "public profile")]:
        _visit(page, base + path, label)

    login(page, live_server, "org-admin@example.org", "demo-orgadmin-2026", language="en")
    for path, label in [
        ("mina/", "my organisations"),
        ("registrera/", "register an organisation"),
        (f"{admin_of.slug}/installningar/", "organisation settings"),
        (f"{admin_of.slug}/bjud-in/", "invite"),
    ]:
        _visit(page, base + path, label)

    page.context.clear_cookies()
    cache.clear()
    user = coordinator("e2e-en-samordnare@example.org", totp=False)
    user.set_password("correct-horse-battery")
    user.save()
    secret = add_totp(user)
    login(page, live_server, user.email, "correct-horse-battery", language="en")
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state()
    for path, label in [
        ("samordning/", "coordinator queue"),
        ("samordning/alla/", "all organisations"),
        (f"{pending.slug}/ansokan/", "application"),
        (f"samordning/{pending.slug}/avsla/", "reject with a reason"),
    ]:
        _visit(page, base + path, label)
