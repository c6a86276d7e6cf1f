import pytest
from django.urls import reverse

from actionplan.models import FollowUp, FollowUpStep, KnowledgeInput
from tests.factories import AgendaItemFactory, ConsultationFactory, MeetingFactory, MinutesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def knowledge_input(org, org_admin, activity):
    return KnowledgeInput.objects.create(
        organisation=org,
        sent_by=org_admin,
        activity=activity,
        area=activity.area,
        text="Hemligt mönster i skolan.",
    )


def test_input_is_seen_by_its_organisation_and_coordinators_only(
    client, knowledge_input, org_admin, other_member, coord
):
    url = reverse("actionplan:input_detail", args=[knowledge_input.pk])
    assert client.get(url).status_code == 302  # anonymous: log in
    client.force_login(other_member)
    assert client.get(url).status_code == 404
    assert "Hemligt mönster" not in client.get(reverse("actionplan:input_list")).content.decode()
    client.force_login(org_admin)
    assert "Hemligt mönster" in client.get(url).content.decode()
    client.force_login(coord)
    assert "Hemligt mönster" in client.get(url).content.decode()


def test_dashboard_is_for_coordinators_and_the_summary_names_nobody(
    client, knowledge_input, other_member, coord, org
):
    client.force_login(other_member)
    assert client.get(reverse("actionplan:dashboard")).status_code == 403
    assert client.get(reverse("actionplan:dashboard_csv", args=["ej-horda"])).status_code == 403
    client.logout()
    summary = client.get(reverse("actionplan:summary")).content.decode()
    assert org.name not in summary and "Hemligt" not in summary
    client.force_login(coord)
    assert client.get(reverse("actionplan:dashboard")).status_code == 200


def test_activity_page_shows_only_what_a_visitor_may_see(client, activity, coord):
    ConsultationFactory(title="Publicerat samråd", activity=activity)
    ConsultationFactory(title="Utkast till samråd", activity=activity, published_at=None)
    public = MeetingFactory(title="Öppet möte", is_public=True)
    AgendaItemFactory(meeting=public, title="Öppen punkt om sociala medier", activity=activity)
    AgendaItemFactory(meeting=public, title="Sluten punkt", activity=activity, is_public=False)
    closed = MeetingFactory(title="Internt möte", is_public=False)
    AgendaItemFactory(meeting=closed, title="Intern punkt", activity=activity)
    minutes = MinutesFactory(meeting=closed)
    from meetings.models import Decision

    decision = Decision.objects.create(
        minutes=minutes, agenda_item=closed.agenda_items.first(), text="Beslut"
    )
    follow_up = FollowUp.objects.create(
        activity=activity,
        period="2026",
        period_end="2026-12-31",
        activity_status="ongoing",
        narrative="Gick bra.",
        published_at="2026-11-01T10:00:00Z",
    )
    FollowUpStep.objects.create(
        follow_up=follow_up, step=1, justification="Utbildning varje termin.", evidence_decision=decision
    )

    html = client.get(activity.url).content.decode()
    assert "Publicerat samråd" in html and "Utkast till samråd" not in html
    assert "Öppen punkt om sociala medier" in html
    assert "Sluten punkt" not in html and "Intern punkt" not in html
    assert "Utbildning varje termin." in html
    assert minutes.get_absolute_url() not in html  # members-only minutes are never linked

    client.force_login(coord)
    html = client.get(activity.url).content.decode()
    assert "Utkast till samråd" in html and "Intern punkt" in html


def test_inputs_are_in_the_senders_data_export_and_survive_erasure(knowledge_input, org_admin):
    from actionplan import privacy

    exported = privacy.export(org_admin)["knowledge_inputs"]
    assert [row["text"] for row in exported] == ["Hemligt mönster i skolan."]
    privacy.erase(org_admin)
    knowledge_input.refresh_from_db()
    assert knowledge_input.sent_by is None and knowledge_input.text == "Hemligt mönster i skolan."


def test_coordinators_may_record_follow_ups_and_build_the_plan_in_the_admin(client, coord, plan, area_page):
    """Migration 0003 gives the Coordinators group the follow-up and city-body screens; a plan page gets
    page permissions for them (plan_grant_coordinators), so the add-activity form opens under an area."""
    from actionplan.services import plan_grant_coordinators

    client.force_login(coord)
    assert coord.has_perm("actionplan.add_followup") and coord.has_perm("actionplan.change_citybody")
    assert client.get("/admin/actionplan_followup/new/").status_code == 200
    add_activity = f"/admin/pages/add/actionplan/activitypage/{area_page.pk}/"
    assert client.get(add_activity).status_code == 302  # no page permission yet: sent back
    plan_grant_coordinators(plan)
    plan_grant_coordinators(plan)  # safe to repeat
    response = client.get(add_activity)
    assert response.status_code == 200 and 'name="responsible_body"' in response.content.decode()
