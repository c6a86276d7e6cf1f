"""The action plan in a real browser: a visitor finds an activity from /handlingsplanen/ and sees the
six-step staircase, its consultation and the follow-up; an organisation's administrator sends knowledge
input, which is refused while it holds a personal identity number and goes through without it. axe runs on
every new page (the public summary in both languages)."""

import pytest

from actionplan.models import (
    ActionPlanPage,
    ActivityPage,
    CityBody,
    DevelopmentArea,
    DevelopmentAreaPage,
    FollowUp,
    FollowUpStep,
    KnowledgeInput,
)
from tests.e2e.helpers import assert_no_axe_violations, login
from tests.factories import ConsultationFactory, MembershipFactory, OrganisationFactory, add_page, site_home

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def plan_data(db):
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
    body = CityBody.objects.create(
        slug="utbildningsnamnden", name_sv="Utbildningsnämnden", name_en="Education Committee"
    )
    activity = add_page(
        area,
        ActivityPage(
            title="Rasism i sociala medier", slug="sociala-medier", responsible_body=body, status="ongoing"
        ),
    )
    consultation = ConsultationFactory(
        title="Samråd om klasschattar", activity=activity, development_area_id="children"
    )
    follow_up = FollowUp.objects.create(
        activity=activity,
        period="2026",
        period_end="2026-12-31",
        activity_status="ongoing",
        narrative="Skolorna har börjat prata om chattar.",
        published_at="2026-11-01T10:00:00Z",
    )
    FollowUpStep.objects.create(
        follow_up=follow_up, step=1, justification="Kurs för lärare.", evidence_url="https://example.org/kurs"
    )
    FollowUpStep.objects.create(
        follow_up=follow_up, step=4, justification="Elever är med.", evidence_consultation=consultation
    )
    org = OrganisationFactory(name="Föreningen Bron")
    MembershipFactory(
        organisation=org, role="admin", user__email="admin@bron.example.org", user__password=PASSWORD
    )
    return activity


def test_visitor_finds_the_activity_and_an_admin_sends_input(page, live_server, plan_data):
    page.goto(f"{live_server.url}/handlingsplanen/")
    assert_no_axe_violations(page, "plan")
    page.get_by_role("link", name="Rasism i sociala medier").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Rasism i sociala medier"
    staircase = page.locator(".staircase").first
    assert staircase.locator("li").count() == 6
    assert staircase.locator(".staircase__step--done").count() == 2
    assert "På plats" in staircase.inner_text() and "Inte ännu" in staircase.inner_text()
    assert page.get_by_role("link", name="Samråd om klasschattar").is_visible()
    assert "Skolorna har börjat prata om chattar." in page.content()
    assert_no_axe_violations(page, "activity")
    page.goto(f"{live_server.url}/handlingsplanen/barn/?form=antisemitism")
    assert "Ingen aktivitet i området passar filtret." in page.content()
    assert_no_axe_violations(page, "area")
    for prefix in ("", "/en"):
        page.goto(f"{live_server.url}{prefix}/uppfoljning/deltagande/")
        assert_no_axe_violations(page, f"summary {prefix or 'sv'}")

    login(page, live_server, "admin@bron.example.org", PASSWORD)
    page.goto(f"{live_server.url}/uppfoljning/underlag/nytt/?activity={plan_data.pk}")
    assert_no_axe_violations(page, "input form")
    page.get_by_label("Det era medlemmar och de ni möter upplever").fill(
        "En elev, 19811218-9876, fick höra kränkningar i klasschatten."
    )
    page.get_by_role("button", name="Skicka till staden").click()
    page.wait_for_load_state()
    assert "Ta bort personnumret" in page.content()
    assert not KnowledgeInput.objects.exists()
    assert_no_axe_violations(page, "input form with an error")
    page.get_by_label("Det era medlemmar och de ni möter upplever").fill(
        "Elever får höra kränkningar i klasschattar, och få vuxna reagerar."
    )
    page.get_by_role("button", name="Skicka till staden").click()
    page.wait_for_load_state()
    assert "Ert underlag är skickat till staden." in page.content()
    assert KnowledgeInput.objects.get().activity_id == plan_data.pk
    assert_no_axe_violations(page, "input detail")
