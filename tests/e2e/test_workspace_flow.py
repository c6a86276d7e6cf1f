"""The coordinators' workspace in a real browser: a coordinator with two-factor creates a consultation
from the workspace, previews and publishes it, sees two organisations that have not answered, reminds them
(the e-mails arrive once), hides a comment, closes the consultation early with a reason, writes and
publishes the outcome, asks for an export and an archive package, without leaving the workspace; and (a
second test, so that parallel runs can share the work) runs a meeting from held to published minutes
(attendance, a decision, an action item, a members-only document). axe checks every
workspace page at 1280 and 375 px in Swedish and, in a second coordinator's browser context, in English;
screenshots go to /tmp/shots/workspace18/."""

import os
import re
import time

import pytest
from playwright.sync_api import expect

from consultations.models import Consultation, Export
from meetings.models import MeetingDocument, Minutes
from tests.e2e.helpers import assert_no_axe_violations
from tests.e2e.test_consultations_flow import PASSWORD, log_in_coordinator
from tests.factories import (
    CommentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    coordinator,
    site_home,
)
from tests.meetings.helpers import schedule

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.long(150),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RUNNING = "() => document.getAnimations().some(a => a.playState === 'running')"
SHOTS = os.environ.get("WORKSPACE_SHOTS", "/tmp/shots/workspace18")


ENGLISH = {}  # "page": the English coordinator's page, in its own browser context (set by the test)


def _axe_at_both_widths(page, label: str, shots: bool):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        # Wagtail's messages fade in: let every animation finish before measuring contrast.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and page.evaluate(RUNNING):
            page.wait_for_timeout(50)
        if shots:
            page.screenshot(path=f"{SHOTS}/{label}-{width}.png", full_page=True)
        assert_no_axe_violations(page, f"{label} at {width} px")
    page.set_viewport_size({"width": 1280, "height": 900})


def check(page, label: str):
    """axe at 1280 and 375 px wide, and a full-page screenshot of each; then the same address (a GET, so
    nothing happens twice) in English, in the English coordinator's own browser context."""
    os.makedirs(SHOTS, exist_ok=True)
    page.wait_for_load_state()
    expect(page.locator("main")).to_be_visible()
    _axe_at_both_widths(page, label, shots=True)
    english = ENGLISH.get("page")
    if english is not None:
        english.goto(page.url)
        expect(english.locator("html")).to_have_attribute("lang", "en")
        expect(english.locator("main")).to_be_visible()
        _axe_at_both_widths(english, f"{label} (en)", shots=label in EN_SHOTS)


EN_SHOTS = {"meeting-minutes", "meeting-documents", "meeting-attendance"}


def english_coordinator(browser, live_server):
    """A second coordinator whose admin language is English, logged in (with two-factor) in a browser
    context of its own, so that every workspace page is checked in both languages without changing the
    first coordinator's settings between pages."""
    from django.core.cache import cache
    from wagtail.users.models import UserProfile

    from tests.e2e.helpers import login
    from tests.e2e.test_consultations_flow import totp_code
    from tests.factories import add_totp

    user = coordinator("coordinator-en@example.org", totp=False, display_name="Edith English")
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    secret = add_totp(user)
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Stockholm", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(15_000)
    cache.clear()
    login(page, live_server, user.email, PASSWORD)
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state()
    return page


def in_workspace(page):
    assert "/admin/" in page.url, page.url


def _start(live_server, page, browser, settings, tmp_path):
    """The coordinator (with two-factor) and two organisations with a member each; the coordinator signed
    in on the workspace's home page, and the English coordinator in a context of its own."""
    from tests.factories import add_totp

    settings.MEDIA_ROOT = str(tmp_path / "media")
    site_home()
    coord = coordinator("samordnare-e2e@example.org", totp=False, display_name="Cecilia Samordnare")
    secret = add_totp(coord)
    alfa = OrganisationFactory(name="Föreningen Alfa")
    beta = OrganisationFactory(name="Föreningen Beta")
    anna = MembershipFactory(
        organisation=alfa, user=UserFactory(email="anna@example.org", display_name="Anna Alfa")
    ).user
    MembershipFactory(organisation=beta, user=UserFactory(email="bea@example.org", display_name="Bea Beta"))
    assert PASSWORD

    ENGLISH["page"] = english_coordinator(browser, live_server)
    log_in_coordinator(page, live_server, secret)
    page.goto(f"{live_server.url}/admin/workspace/")
    return coord, alfa, beta, anna


def test_consultation_from_the_workspace(live_server, page, browser, mailoutbox, settings, tmp_path):
    url = live_server.url
    coord, alfa, beta, anna = _start(live_server, page, browser, settings, tmp_path)
    check(page, "workspace-home")

    # 1. Guided creation: title first, the slug follows; defaults for the dates.
    page.get_by_role("link", name="Nytt samråd").first.click()
    in_workspace(page)
    page.get_by_label("Titel").fill("Trygga mötesplatser för unga")
    expect(page.get_by_label("Adress (slug)")).to_have_value("trygga-motesplatser-for-unga")
    page.get_by_label("Sammanfattning").fill("Staden vill veta vad ni tycker.")
    page.get_by_label("Rubrik för det första avsnittet").fill("Bakgrund")
    page.get_by_label("Text i det första avsnittet").fill("Staden vill skapa fler mötesplatser.")
    check(page, "consultation-create")
    page.get_by_role("button", name="Spara utkastet").click()
    page.wait_for_load_state()
    consultation = Consultation.objects.get(slug="trygga-motesplatser-for-unga")
    assert consultation.coordinator == coord
    in_workspace(page)
    expect(page.locator('[aria-current="step"]')).to_contain_text("Utkast")
    check(page, "consultation-draft")

    # 2. Preview as organisations will see it, then publish.
    page.get_by_role("link", name="Förhandsgranska som organisationerna ser det").click()
    expect(page.get_by_role("heading", name="Trygga mötesplatser för unga")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Publicera samrådet").click()
    in_workspace(page)
    expect(page.locator("main")).to_contain_text("2 medlemmar i 2 organisationer")
    check(page, "consultation-publish-confirm")
    page.get_by_role("button", name="Publicera", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator('[aria-current="step"]')).to_contain_text("Öppet")
    rows = page.locator("table.workspace-table tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("Inte svarat än")).to_have_count(2)
    check(page, "consultation-open")

    # 3. Remind the two organisations now: each member gets one e-mail, even if the form is sent twice.
    page.get_by_role("link", name="Påminn dem som inte har svarat").click()
    check(page, "consultation-remind-confirm")
    page.get_by_role("button", name="Skicka påminnelsen").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("2 personer")
    page.go_back()
    page.get_by_role("button", name="Skicka påminnelsen").click()  # the same form again
    page.wait_for_load_state()
    reminders = [m for m in mailoutbox if m.subject.startswith("Svara senast")]
    assert sorted(m.to[0] for m in reminders) == ["anna@example.org", "bea@example.org"]

    # 4. Moderate a comment.
    CommentFactory(consultation=consultation, organisation=alfa, author=anna, text="Ring Kalle på 070-123.")
    page.reload()
    page.get_by_role("link", name=re.compile("Dölj kommentaren")).click()
    check(page, "consultation-hide-confirm")
    page.get_by_label("Skäl (författaren ser det)").fill("Personuppgifter om en enskild.")
    page.get_by_role("button", name="Dölj kommentaren").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Personuppgifter om en enskild.")

    # 5. Close early with a reason that participants see.
    page.get_by_role("link", name="Stäng samrådet i förtid").click()
    check(page, "consultation-close-confirm")
    page.get_by_label("Skäl (deltagarna ser det)").fill("Beslutet fattas redan i januari.")
    page.get_by_role("button", name="Stäng nu").click()
    page.wait_for_load_state()
    expect(page.locator('[aria-current="step"]')).to_contain_text("Stängt")
    check(page, "consultation-closed")

    # 6. Write and publish the outcome, then export.
    page.get_by_role("link", name="Skriv resultatet").click()
    in_workspace(page)
    check(page, "consultation-outcome")
    page.get_by_label("Sammanfattning av resultatet").fill("Staden skapar tre nya mötesplatser.")
    page.get_by_role("button", name="Spara resultatet").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Publicera resultatet").click()
    check(page, "consultation-outcome-publish-confirm")
    page.get_by_role("button", name="Publicera resultatet").click()
    page.wait_for_load_state()
    expect(page.locator('[aria-current="step"]')).to_contain_text("Resultat publicerat")
    page.get_by_role("button", name=re.compile("Exportera: Kalkylblad", re.I)).click()
    page.wait_for_load_state()
    in_workspace(page)
    assert Export.objects.filter(consultation=consultation).exists()
    check(page, "consultation-concluded")
    consultation.refresh_from_db()
    assert consultation.deadline_note == "Beslutet fattas redan i januari."
    assert consultation.concluded_at is not None

    # The lists and the history, in both languages.
    for path, label in (
        ("/admin/workspace/consultations/", "consultations"),
        ("/admin/workspace/applications/", "applications"),
        ("/admin/workspace/history/", "history"),
    ):
        page.goto(url + path)
        check(page, label)

    # 7. An archive package, from the workspace's archive page.
    from opendata.models import ArchivePackage

    page.goto(f"{url}/admin/workspace/archive/")
    check(page, "archive")
    page.get_by_label(re.compile(f"Samråd: {re.escape(consultation.title)}")).check()
    page.get_by_role("button", name="Gör paketet").click()
    page.wait_for_load_state()
    in_workspace(page)
    expect(page.locator("#export-status-label")).to_have_text("Klar")
    expect(page.get_by_role("link", name="Ladda ner paketet")).to_be_visible()
    check(page, "archive-package")
    package = ArchivePackage.objects.get(consultation=consultation)
    assert package.status == "done" and package.size > 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner paketet").click()
    assert download.value.suggested_filename == package.filename()
    ENGLISH.pop("page").context.close()


@pytest.mark.long(70)
def test_meeting_from_the_workspace(live_server, page, browser, settings, tmp_path):
    url = live_server.url
    coord, alfa, beta, _anna = _start(live_server, page, browser, settings, tmp_path)
    # A meeting from held to published minutes, from its own page.
    meeting = schedule(coord, orgs=[alfa, beta], invite_all=False)
    page.goto(f"{url}/admin/workspace/meetings/{meeting.pk}/")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Planerat")
    check(page, "meeting-planned")
    page.get_by_role("link", name="Markera som genomfört").click()
    check(page, "meeting-held-confirm")
    page.get_by_role("button", name="Markera som genomfört").click()
    page.wait_for_load_state()
    # Attendance, minutes with a decision, an action item and a members-only document, all from here.
    page.get_by_role("link", name="Registrera närvaro").click()
    in_workspace(page)
    check(page, "meeting-attendance")
    page.get_by_label("Föreningen Alfa", exact=True).check()
    page.get_by_role("button", name="Spara närvaron").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Närvaron är registrerad.")
    page.get_by_role("link", name="Skriv protokoll, beslut och åtgärder").click()
    in_workspace(page)
    check(page, "meeting-minutes")
    page.locator("fieldset.workspace-agenda").first.get_by_label("Beslut").fill("Gruppen godkänner planen.")
    page.get_by_role("button", name="Spara protokollet").click()
    page.wait_for_load_state()
    page.locator("#id_action-description").fill("Ring skolan om lokalen")
    page.locator("#id_action-responsible_organisation").select_option(label="Föreningen Alfa")
    page.get_by_role("button", name="Lägg till åtgärden").click()
    page.wait_for_load_state()
    expect(page.locator("#action-items")).to_contain_text("Ring skolan om lokalen")
    page.get_by_role("link", name="Tillbaka till mötet").click()
    page.get_by_role("link", name="Ladda upp dokument").click()
    in_workspace(page)
    page.get_by_label("Titel", exact=True).fill("Internt underlag")
    page.locator("#id_file").set_input_files(
        files=[{"name": "underlag.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    expect(page.get_by_label("Bara för medlemmar", exact=True)).to_be_checked()
    page.get_by_role("button", name="Ladda upp", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("bara för medlemmar. Ingen får veta något.")
    check(page, "meeting-documents")
    link = MeetingDocument.objects.get(meeting=meeting)
    assert link.members_only and link.document.title == "Internt underlag"
    page.get_by_role("link", name="Tillbaka till mötet").click()
    page.wait_for_load_state()
    check(page, "meeting-held")
    page.get_by_role("link", name="Skicka protokollet på granskning").click()
    page.get_by_role("button", name="Skicka på granskning").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Godkänn protokollet").click()
    page.get_by_role("button", name="Godkänn").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Publicera protokollet").click()
    check(page, "meeting-publish-confirm")
    page.get_by_role("button", name="Publicera protokollet").click()
    page.wait_for_load_state()
    expect(page.locator('[aria-current="step"]')).to_contain_text("Protokoll publicerat")
    check(page, "meeting-published")
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.state == "published" and minutes.decisions.get().text == "Gruppen godkänner planen."
    assert minutes.action_items.get().responsible_organisation == alfa
    assert meeting.attendances.get().organisation == alfa
    ENGLISH.pop("page").context.close()
