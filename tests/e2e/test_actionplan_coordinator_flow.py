"""The action plan end to end in a real browser, with the coordinator's part done where coordinators do it,
in the Wagtail admin: a coordinator with two-factor adds an activity under its development area with its
responsible body and publishes it, links an open consultation to it, records a follow-up with two steps in
place and their evidence (a link, and the consultation, whose outcome becomes the evidence once published)
and publishes it. A visitor then finds the activity
from /handlingsplanen/ and sees the staircase, the consultation and the follow-up, in Swedish and, once
the activity is translated, in English. An organisation's admin sends knowledge input (refused while it
holds a personal identity number), and the coordinator's dashboard no longer lists the organisation among
those not heard from. axe runs on every public page in both languages; screenshots of the new pages at
1280 and 375 px go to /tmp/shots/actionplan15/.

The coordinator, the visitor and the organisation's admin each have their own browser context (three
people at three computers), so the coordinator logs in once: allauth refuses a TOTP code used before, and
no second log-in with the same secret happens within one period."""

import os

import pytest
from playwright.sync_api import expect
from wagtail.models import Locale

from actionplan.models import (
    ActionPlanPage,
    ActivityPage,
    CityBody,
    DevelopmentArea,
    DevelopmentAreaPage,
    FollowUp,
    KnowledgeInput,
)
from actionplan.services import plan_grant_coordinators
from consultations.models import Consultation
from tests.e2e.helpers import assert_no_axe_violations, login
from tests.factories import (
    ConsultationFactory,
    MembershipFactory,
    OrganisationFactory,
    add_page,
    add_totp,
    coordinator,
    site_home,
    totp_code,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"
COORDINATOR = "samordnare-plan@example.org"
SHOTS = os.environ.get("ACTIONPLAN_SHOTS", "/tmp/shots/actionplan15")


def check(page, label: str):
    """axe at 1280 and 375 px, with a full-page screenshot of each."""
    os.makedirs(SHOTS, exist_ok=True)
    page.wait_for_load_state()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{label}-{width}.png", full_page=True)
        assert_no_axe_violations(page, f"{label} at {width} px")
    page.set_viewport_size({"width": 1280, "height": 900})


def _translated(page, locale, **fields):
    translation = page.copy_for_translation(locale, copy_parents=True).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return translation


@pytest.fixture
def world(db):
    locale_en, _ = Locale.objects.get_or_create(language_code="en")
    home = site_home()
    plan = add_page(
        home, ActionPlanPage(title="Handlingsplanen mot rasism", slug="handlingsplanen", intro="Planen.")
    )
    area = add_page(
        plan,
        DevelopmentAreaPage(
            title="Förebygga rasism mot barn och unga",
            slug="barn",
            area=DevelopmentArea.objects.get(code="children"),
        ),
    )
    # The English side of the tree exists already (translated earlier, as the site's pages are).
    _translated(home, locale_en, title="Test home")
    _translated(plan, locale_en, title="The action plan against racism", intro="The plan.")
    _translated(area, locale_en, title="Preventing racism against children and young people")
    # What a site admin sets up once: the coordinators may edit and publish the plan's pages.
    plan_grant_coordinators(plan)
    CityBody.objects.create(
        slug="utbildningsnamnden", name_sv="Utbildningsnämnden", name_en="Education Committee"
    )
    CityBody.objects.create(slug="kulturnamnden", name_sv="Kulturnämnden", name_en="Culture Committee")
    consultation = ConsultationFactory(title="Samråd om klasschattar", development_area_id="children")
    org = OrganisationFactory(name="Föreningen Bron")
    MembershipFactory(
        organisation=org, role="admin", user__email="admin@bron.example.org", user__password=PASSWORD
    )
    coord = coordinator(COORDINATOR, totp=False, display_name="Cecilia Samordnare", password=PASSWORD)
    return {"area": area, "consultation": consultation, "secret": add_totp(coord), "locale_en": locale_en}


def _choose_in_modal(page, field_id: str, text: str, search: bool = False):
    """Open the chooser of a field (a page, snippet or document chooser) and pick `text` in its modal."""
    page.locator(f"#{field_id}-chooser [data-chooser-action-choose]:visible").first.click()
    modal = page.locator(".modal")
    expect(modal).to_be_visible()
    if search:
        modal.locator("input[name=q]").fill(text)
    modal.locator("a[data-chooser-modal-choice], a.choose-page").filter(has_text=text).first.click()
    expect(modal).to_be_hidden()
    expect(page.locator(f"#{field_id}-chooser [data-chooser-title]")).to_contain_text(text)


def test_coordinator_builds_and_follows_up_an_activity(browser, live_server, world):
    url = live_server.url
    area = world["area"]

    # --- The coordinator, in the Wagtail admin ------------------------------------------------------
    coordinator_context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    cp = coordinator_context.new_page()
    cp.set_default_timeout(15_000)
    login(cp, live_server, COORDINATOR, PASSWORD)
    cp.locator("input[name=code]").fill(totp_code(world["secret"]))
    cp.locator("input[name=code]").press("Enter")
    cp.wait_for_load_state()

    # 1. A new activity under its development area, with its responsible body, published.
    cp.goto(f"{url}/admin/pages/{area.pk}/")
    cp.locator(f'a[href$="/pages/{area.pk}/add_subpage/"]').first.click()
    cp.wait_for_load_state()
    cp.locator("#id_title").fill("Rasism i sociala medier")
    cp.locator(".Draftail-Editor [contenteditable=true]").first.click()
    cp.keyboard.type("Skolan arbetar mot rasism som barn möter i klassens chattar.")
    _choose_in_modal(cp, "id_responsible_body", "Utbildningsnämnden")
    cp.locator("#id_status").select_option("ongoing")
    cp.locator("footer .w-dropdown__toggle").first.click()
    cp.locator('button[name="action-publish"]').click()
    cp.wait_for_load_state()
    activity = ActivityPage.objects.get(slug="rasism-i-sociala-medier")
    assert activity.live and activity.responsible_body.slug == "utbildningsnamnden"
    assert activity.area.code == "children"

    # 2. The open consultation is about this activity.
    consultation = world["consultation"]
    cp.goto(f"{url}/admin/snippets/consultations/consultation/edit/{consultation.pk}/")
    # The consultation is open: the change is described for the organisations.
    cp.locator("#id_change_note").fill("Samrådet gäller nu aktiviteten Rasism i sociala medier.")
    cp.get_by_role("tab", name="Detaljer").click()
    _choose_in_modal(cp, "id_activity", "Rasism i sociala medier", search=True)
    cp.locator('button[name="action-save"], footer button[type=submit]').first.click()
    cp.wait_for_load_state()
    assert Consultation.objects.get(pk=consultation.pk).activity_id == activity.pk

    # 3. A follow-up with two steps in place, each with its evidence, then published.
    cp.goto(f"{url}/admin/actionplan_followup/new/")
    _choose_in_modal(cp, "id_activity", "Rasism i sociala medier", search=True)
    cp.locator("#id_period").fill("2026")
    cp.locator("#id_period_end").fill("2026-12-31")
    cp.locator("#id_activity_status").select_option("ongoing")
    cp.locator("#id_narrative").fill(
        "Lärarna på tre skolor har gått kursen, och eleverna har fått säga sitt."
    )
    add_step = cp.locator("#id_steps-ADD")
    add_step.click()
    cp.locator("#id_steps-0-step").select_option("1")
    cp.locator("#id_steps-0-justification").fill("En kurs om rasism på nätet för alla lärare.")
    cp.locator("#id_steps-0-evidence_url").fill("https://example.org/kursen")
    add_step.click()
    cp.locator("#id_steps-1-step").select_option("4")
    cp.locator("#id_steps-1-justification").fill("Eleverna har lämnat synpunkter i samrådet.")
    _choose_in_modal(cp, "id_steps-1-evidence_consultation", "Samråd om klasschattar")
    cp.locator("footer button[type=submit]").first.click()
    cp.wait_for_load_state()
    follow_up = FollowUp.objects.get(activity=activity)
    assert follow_up.published_at is None
    steps = {row.step: row for row in follow_up.steps.all()}
    assert sorted(steps) == [1, 4]
    assert steps[1].evidence_url == "https://example.org/kursen"
    assert steps[4].evidence_consultation_id == consultation.pk
    row = cp.locator("tr", has_text="Rasism i sociala medier")
    row.get_by_role("button", name="Publicera").click()
    cp.wait_for_load_state()
    expect(cp.locator(".messages")).to_contain_text("Uppföljningen är publicerad")
    follow_up.refresh_from_db()
    assert follow_up.published_at is not None

    # --- A visitor, in Swedish --------------------------------------------------------------------
    visitor = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm").new_page()
    visitor.set_default_timeout(15_000)
    visitor.goto(f"{url}/handlingsplanen/")
    visitor.get_by_role("link", name="Rasism i sociala medier").click()
    visitor.wait_for_load_state()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Rasism i sociala medier")
    expect(visitor.locator("main")).to_contain_text("Utbildningsnämnden")
    staircase = visitor.locator(".staircase").first
    expect(staircase.locator("li")).to_have_count(6)
    expect(staircase.locator(".staircase__step--done")).to_have_count(2)
    expect(staircase).to_contain_text("På plats")
    expect(staircase.get_by_role("link", name="Länk")).to_have_attribute("href", "https://example.org/kursen")
    # The consultation's outcome is evidence once published; while the consultation is open the step shows
    # its justification only (the consultation itself is listed below).
    expect(staircase).to_contain_text("Eleverna har lämnat synpunkter i samrådet.")
    expect(visitor.get_by_role("link", name="Samråd om klasschattar").first).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("Lärarna på tre skolor har gått kursen")
    check(visitor, "activity-sv")

    # ... and in English, once the activity has its English translation.
    _translated(
        activity,
        world["locale_en"],
        title="Racism on social media",
        description="<p>Schools work against the racism children meet in class chats.</p>",
    )
    visitor.goto(f"{url}/en/handlingsplanen/")
    visitor.get_by_role("link", name="Racism on social media").click()
    visitor.wait_for_load_state()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Racism on social media")
    expect(visitor.locator("main")).to_contain_text("Education Committee")
    staircase = visitor.locator(".staircase").first
    expect(staircase.locator(".staircase__step--done")).to_have_count(2)
    expect(staircase).to_contain_text("In place")
    expect(visitor.get_by_role("link", name="Samråd om klasschattar").first).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("Lärarna på tre skolor har gått kursen")
    check(visitor, "activity-en")

    # --- The coordinator's dashboard before any input: the organisation is not heard from ----------
    cp.goto(f"{url}/uppfoljning/tackning/")
    not_heard = cp.locator("section", has=cp.locator("#t-ej-horda"))
    expect(not_heard).to_contain_text("Föreningen Bron")

    # --- The organisation's admin sends knowledge input --------------------------------------------
    admin = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm").new_page()
    admin.set_default_timeout(15_000)
    login(admin, live_server, "admin@bron.example.org", PASSWORD)
    admin.goto(f"{url}/uppfoljning/underlag/nytt/?activity={activity.pk}")
    text = admin.get_by_label("Det era medlemmar och de ni möter upplever")
    text.fill("En elev, 19811218-9876, fick höra kränkningar i klasschatten.")
    admin.get_by_role("button", name="Skicka till staden").click()
    admin.wait_for_load_state()
    expect(admin.locator("main")).to_contain_text("Ta bort personnumret")
    assert not KnowledgeInput.objects.exists()
    text = admin.get_by_label("Det era medlemmar och de ni möter upplever")
    text.fill("Elever får höra kränkningar i klasschattar, och få vuxna reagerar.")
    admin.get_by_role("button", name="Skicka till staden").click()
    admin.wait_for_load_state()
    expect(admin.locator("main")).to_contain_text("Ert underlag är skickat till staden.")
    assert KnowledgeInput.objects.get().activity_id == activity.pk

    # --- The coordinator sees it: the activity has one input, the organisation now counts as heard ---
    cp.goto(f"{url}/uppfoljning/tackning/")
    activity_row = cp.locator("section", has=cp.locator("#t-aktiviteter")).locator(
        "tr", has_text="Rasism i sociala medier"
    )
    expect(activity_row.locator("td").last).to_have_text("1")
    not_heard = cp.locator("section", has=cp.locator("#t-ej-horda"))
    expect(not_heard).not_to_contain_text("Föreningen Bron")
    check(cp, "dashboard-sv")
    cp.goto(f"{url}/en/uppfoljning/tackning/")
    check(cp, "dashboard-en")
    coordinator_context.close()
