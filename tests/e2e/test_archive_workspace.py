"""The workspace's archive page in a real browser, on the demo's concluded consultation and approved
minutes: the choices are a radio list (each radio beside its label, in a fieldset with a legend), the page
passes axe at 1280 and 375 px, and a package is made and shown as "Klar". Screenshots go to
/tmp/shots/archive/ (ARCHIVE_SHOTS)."""

import os
import re
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from consultations.demo import CONCLUDED_SLUG
from consultations.models import Consultation
from meetings.demo import HELD_TITLE
from meetings.models import Meeting, Minutes
from opendata.models import ArchivePackage
from tests.e2e.helpers import login
from tests.e2e.test_workspace_flow import RUNNING, check
from tests.factories import add_totp, totp_code

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.long(30),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("ARCHIVE_SHOTS", "/tmp/shots/archive")


def settle(page):
    """Until Wagtail's animations (the sidebar slides away below 800 px) are over, five seconds at most."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and page.evaluate(RUNNING):
        page.wait_for_timeout(50)


def test_archive_page_offers_a_radio_list_and_makes_a_package(
    live_server, page, settings, tmp_path, monkeypatch
):
    import tests.e2e.test_workspace_flow as flow

    monkeypatch.setattr(flow, "SHOTS", SHOTS)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", verbosity=0)
    from django.contrib.auth import get_user_model

    secret = add_totp(get_user_model().objects.get(email="samordnare@example.org"))
    login(page, live_server, "samordnare@example.org", "demo-samordnare-2026")
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/admin/workspace/archive/")
    consultation = Consultation.objects.get(slug=CONCLUDED_SLUG)
    group = page.get_by_role("group", name="Av vad")
    expect(group).to_be_visible()
    radios = group.get_by_role("radio")
    # One radio per concluded consultation and per meeting whose minutes are approved, as stored.
    archivable = (
        Consultation.objects.filter(concluded_at__isnull=False).count()
        + Meeting.objects.filter(minutes__state__in=Minutes.LOCKED_STATES).count()
    )
    assert archivable >= 2
    expect(radios).to_have_count(archivable)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        settle(page)
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/archive-radios-{width}.png", full_page=True)
        for label in (f"Samråd: {consultation.title}", f"Möte: {HELD_TITLE}"):
            radio = page.get_by_label(re.compile(re.escape(label)))
            text = page.locator("label", has_text=label)
            r, t = radio.bounding_box(), text.bounding_box()
            # Beside its label: on the same line, to its left (not on a line of its own above it).
            assert r["x"] + r["width"] <= t["x"], (width, label, r, t)
            assert t["y"] <= r["y"] + r["height"] / 2 <= t["y"] + t["height"], (width, label, r, t)
    page.set_viewport_size({"width": 1280, "height": 900})
    check(page, "archive")

    page.get_by_label(f"Möte: {HELD_TITLE}", exact=False).check()
    page.get_by_role("button", name="Gör paketet").click()
    page.wait_for_load_state()
    expect(page.locator("#export-status-label")).to_have_text("Klar")
    check(page, "archive-package")
    assert ArchivePackage.objects.get().status == ArchivePackage.Status.DONE
    page.goto(f"{live_server.url}/admin/workspace/archive/")
    expect(page.locator("table.workspace-table tbody td").first).to_have_text("Klar")
    # The checksum wraps inside the page on a phone.
    page.goto(f"{live_server.url}/admin/workspace/archive/{ArchivePackage.objects.get().pk}/")
    page.set_viewport_size({"width": 375, "height": 900})
    settle(page)
    box = page.locator("code.workspace-hash").bounding_box()
    assert box["x"] + box["width"] <= 375, box
