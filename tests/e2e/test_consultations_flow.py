"""The consultation journey in a real browser: a coordinator with two-factor writes a consultation in the
Wagtail admin and opens it → members of two organisations comment and reply → an organisation admin drafts,
submits and corrects the formal response and sees the receipt → the consultation closes → the coordinator
hides a comment, writes and publishes the outcome → both exports download and open. axe checks every
consultation page in Swedish and English."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from consultations.models import Comment, Consultation, ResponseVersion
from tests.e2e.helpers import assert_no_axe_violations, login
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    add_totp,
    coordinator,
    totp_code,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.long(35),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def seeded(django_db_blocker):
    call_command("seed_demo", verbosity=0)


def log_out(page):
    page.context.clear_cookies()


def log_in_coordinator(page, live_server, secret):
    """allauth refuses a TOTP code that was already used (it remembers it in the cache), so a second log-in
    within the same period forgets the first code."""
    from django.core.cache import cache

    cache.clear()
    log_out(page)
    login(page, live_server, "samordnare-e2e@example.org", PASSWORD)
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    expect(page.locator("nav.account-nav")).to_contain_text("Samordnare")


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def test_consultation_from_draft_to_outcome(seeded, live_server, page, mailoutbox, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the exports are written here, not into the checkout
    url = live_server.url
    coord = coordinator("samordnare-e2e@example.org", totp=False, display_name="Cecilia Samordnare")
    secret = add_totp(coord)
    alfa = OrganisationFactory(name="Föreningen Alfa")
    beta = OrganisationFactory(name="Föreningen Beta")
    anna = MembershipFactory(
        organisation=alfa, user=UserFactory(email="anna@example.org", display_name="Anna Alfa")
    ).user
    amir = MembershipFactory(
        organisation=alfa, role="admin", user=UserFactory(email="amir@example.org", display_name="Amir Alfa")
    ).user
    MembershipFactory(organisation=beta, user=UserFactory(email="bea@example.org", display_name="Bea Beta"))
    assert anna and amir

    # 1. The coordinator writes the consultation in the Wagtail admin and publishes it.
    log_in_coordinator(page, live_server, secret)
    page.goto(f"{url}/admin/snippets/consultations/consultation/add/")
    page.locator("#id_title").fill("Referensråd för unga")
    page.locator("#id_slug").fill("referensrad-for-unga")
    page.locator("#id_summary").fill("Staden föreslår ett referensråd för unga mot rasism.")
    page.locator("#id_sections-0-heading").fill("Bakgrund")
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type("Unga utsätts för rasism i skolan.")
    page.get_by_role("tab", name="Frågor och dokument").click()
    page.get_by_role("button", name="Lägg till Fråga").click()
    page.locator("#id_questions-0-text").fill("Vad saknas i förslaget?")
    page.get_by_role("tab", name="Detaljer").click()
    now = timezone.now()
    page.locator("#id_opens_at").fill(_local(now - dt.timedelta(minutes=5)))
    page.locator("#id_closes_at").fill(_local(now + dt.timedelta(days=14)))
    page.locator("#id_development_area").select_option("children")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_load_state()
    consultation = Consultation.objects.get(slug="referensrad-for-unga")
    assert consultation.status == "draft" and consultation.questions.count() == 1

    page.goto(f"{url}/samraden/referensrad-for-unga/")
    page.get_by_role("link", name="Hantera", exact=True).click()
    page.get_by_role("link", name="Publicera samrådet").click()
    page.get_by_role("button", name="Publicera", exact=True).click()
    page.wait_for_load_state()
    assert "Samrådet är publicerat och öppet." in page.locator("main").inner_text()
    consultation.refresh_from_db()
    assert consultation.status == "open"
    section = consultation.sections.get()

    # 2. Members of two organisations comment and reply to each other.
    log_out(page)
    login(page, live_server, "anna@example.org", PASSWORD)
    page.goto(f"{url}/samraden/referensrad-for-unga/")
    assert_no_axe_violations(page, "consultation, member (sv)")
    page.get_by_label("Din kommentar om ”Bakgrund”").fill("Vi saknar barnens egna röster.")
    page.get_by_role("button", name="Publicera kommentar").first.click()
    page.wait_for_load_state()
    assert "Anna Alfa, Föreningen Alfa" in page.locator(f"#{section.anchor}").inner_text()
    first = Comment.objects.get(consultation=consultation)

    log_out(page)
    login(page, live_server, "bea@example.org", PASSWORD)
    page.goto(f"{url}/samraden/referensrad-for-unga/")
    thread = page.locator(f"#{first.anchor}").locator("xpath=..")
    # One reply form per page: the link opens it under this thread (a plain link, no JavaScript needed),
    # says whom the reply is to, and puts the cursor in it.
    thread.get_by_role("link", name="Svara till Anna Alfa, Föreningen Alfa").click()
    page.wait_for_load_state()
    assert f"?svar={first.pk}" in page.url
    reply_box = page.get_by_label("Ditt svar till Anna Alfa, Föreningen Alfa")
    expect(reply_box).to_be_focused()
    assert page.locator(".reply-form").count() == 1 and page.locator(".reply-form textarea").count() == 1
    assert_no_axe_violations(page, "consultation, reply form open (sv)")
    reply_box.fill("Håller med, och skolorna bör delta.")
    page.get_by_role("button", name="Publicera svar").click()
    page.wait_for_load_state()
    reply = Comment.objects.get(parent=first)
    assert reply.organisation == beta
    assert "Bea Beta, Föreningen Beta" in page.locator(f"#{reply.anchor}").inner_text()
    assert any(m.to == ["anna@example.org"] for m in mailoutbox)

    # 3. The admin of Alfa drafts, submits and then corrects the formal response.
    log_out(page)
    login(page, live_server, "amir@example.org", PASSWORD)
    page.goto(f"{url}/samraden/referensrad-for-unga/")
    page.get_by_role("link", name="Vår organisations samrådssvar").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page, "response draft (sv)")
    page.get_by_label("Vad saknas i förslaget?").fill("Ett tydligt barnperspektiv.")
    page.get_by_label("Organisationens samrådssvar").fill("Föreningen Alfa tillstyrker förslaget.")
    page.get_by_role("button", name="Spara och gå till inskickning").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page, "submit confirmation (sv)")
    page.get_by_label("Jag bekräftar").check()
    page.get_by_role("button", name="Skicka in samrådssvaret").click()
    page.wait_for_load_state()
    ours = ResponseVersion.objects.filter(response__consultation=consultation)
    first_version = ours.get()
    main = page.locator("main").inner_text()
    assert first_version.receipt_number in main and first_version.sha256 in main
    assert_no_axe_violations(page, "receipt (sv)")
    assert any(first_version.receipt_number in m.subject for m in mailoutbox)

    page.get_by_role("link", name="Tillbaka till vår organisations samrådssvar").click()
    page.wait_for_load_state()
    page.get_by_label("Organisationens samrådssvar").fill("Föreningen Alfa tillstyrker förslaget delvis.")
    page.get_by_role("button", name="Spara och gå till inskickning").click()
    page.wait_for_load_state()
    assert "Detta rättar version 1" in page.locator("main").inner_text()
    page.get_by_label("Jag bekräftar").check()
    page.get_by_role("button", name="Skicka in samrådssvaret").click()
    page.wait_for_load_state()
    second = ours.get(number=2)
    assert second.receipt_number in page.locator("main").inner_text()
    assert ours.count() == 2

    # 4. The consultation closes.
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=15), closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page.goto(f"{url}/samraden/referensrad-for-unga/")
    assert page.get_by_label("Din kommentar om ”Bakgrund”").count() == 0

    # 5. The coordinator hides a comment, writes and publishes the outcome.
    log_in_coordinator(page, live_server, secret)
    page.goto(f"{url}/samraden/referensrad-for-unga/")
    page.locator(f"#{reply.anchor}").get_by_role("link", name="Dölj").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page, "hide comment (sv)")
    page.get_by_label("Motivering").fill("Innehåller personuppgifter.")
    page.get_by_role("button", name="Dölj kommentaren").click()
    page.wait_for_load_state()
    assert "En moderator har dolt kommentaren" in page.locator(f"#{reply.anchor}").inner_text()
    assert any(m.to == ["bea@example.org"] and "dolts" in m.subject for m in mailoutbox)

    page.goto(f"{url}/samraden/referensrad-for-unga/utfall/")
    assert_no_axe_violations(page, "outcome form (sv)")
    page.get_by_label("Sammanfattning av resultatet").fill("Staden inrättar rådet med barn som deltagare.")
    page.get_by_label("Bakgrund").fill("Barnens röster läggs till.")
    page.locator(f"select[name=comment_{first.pk}_mark]").select_option("taken")
    page.locator(f"textarea[name=comment_{first.pk}_rationale]").fill("Barn deltar i rådet.")
    page.get_by_role("button", name="Spara och publicera resultatet").click()
    page.wait_for_load_state()
    consultation.refresh_from_db()
    assert consultation.status == "concluded"
    main = page.locator("main").inner_text()
    assert "Staden inrättar rådet med barn som deltagare." in main and "Barnens röster läggs till." in main
    assert "Barn deltar i rådet." in main

    # 6. Both exports download and open.
    page.goto(f"{url}/samraden/referensrad-for-unga/deltagande/")
    assert_no_axe_violations(page, "participation (sv)")
    downloads = {}
    for label, kind in (
        ("Exportera kalkylblad (XLSX)", "xlsx"),
        ("Exportera utskriftsbar sammanställning (PDF)", "pdf"),
    ):
        page.goto(f"{url}/samraden/referensrad-for-unga/deltagande/")
        page.get_by_role("button", name=label).click()
        page.wait_for_load_state()
        # The export is listed on the consultation's workspace page, whose status box follows it until
        # it is ready and then shows the download link.
        assert "/admin/workspace/consultations/" in page.url
        download = page.locator("#exports").get_by_role(
            "link", name=re.compile(f"^Ladda ner.*\\({kind.upper()}\\)")
        )
        expect(download).to_be_visible(timeout=30_000)
        assert_no_axe_violations(page, f"export status {kind} (sv)")
        with page.expect_download() as info:
            download.click()
        downloads[kind] = open(info.value.path(), "rb").read()
    book = openpyxl.load_workbook(io.BytesIO(downloads["xlsx"]))
    comment_texts = [row[8] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "Vi saknar barnens egna röster." in comment_texts
    assert book.worksheets[1].max_row == 3  # header + two submitted versions
    pdf = PdfReader(io.BytesIO(downloads["pdf"]))
    assert len(pdf.pages) >= 2
    assert "Föreningen Alfa" in "".join(p.extract_text() for p in pdf.pages)

    # 7. Zero axe violations on every consultation page, in both languages.
    coordinator_pages = [
        "/samraden/",
        "/samraden/?status=ended",
        "/samraden/referensrad-for-unga/",
        "/samraden/referensrad-for-unga/versioner/",
        "/samraden/referensrad-for-unga/inkomna-svar/",
        "/samraden/referensrad-for-unga/utfall/",
        "/samraden/referensrad-for-unga/deltagande/",
    ]  # the overview and moderation moved into the workspace: tests/e2e/test_workspace_flow.py
    for language in ("sv", "en"):
        prefix = "" if language == "sv" else "/en"
        for path in coordinator_pages:
            page.goto(f"{url}{prefix}{path}")
            assert page.locator("html").get_attribute("lang") == language
            assert_no_axe_violations(page, f"{path} ({language}, coordinator)")
    log_out(page)
    login(page, live_server, "amir@example.org", PASSWORD)
    for language in ("sv", "en"):
        prefix = "" if language == "sv" else "/en"
        for path in [
            "/samraden/referensrad-for-unga/",
            "/samraden/referensrad-for-unga/remissvar/",
            f"/samraden/referensrad-for-unga/remissvar/kvitto/{second.receipt_number}/",
        ]:
            page.goto(f"{url}{prefix}{path}")
            assert_no_axe_violations(page, f"{path} ({language}, organisation admin)")
    log_out(page)
    for language in ("sv", "en"):
        prefix = "" if language == "sv" else "/en"
        page.goto(f"{url}{prefix}/samraden/referensrad-for-unga/")
        assert_no_axe_violations(page, f"consultation ({language}, visitor)")
    page.goto(f"{url}/en/samraden/referensrad-for-unga/")
    assert "Outcome" in page.locator("main").inner_text()

    # 8. At 320 px the page reflows without sideways scrolling (WCAG 1.4.10).
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{url}/samraden/referensrad-for-unga/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
