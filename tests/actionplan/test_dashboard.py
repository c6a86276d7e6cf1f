import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplan import dashboard
from actionplan.models import KnowledgeInput
from consultations.models import Consultation
from meetings.models import Attendance, Invitation
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    CommentFactory,
    ConsultationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def _row(table_rows, label):
    return next(r for r in table_rows if r[0] == label)


def test_figures_per_area_activity_form_and_the_unheard(activity, org, org_admin):
    heard = org
    silent = OrganisationFactory(name="Tysta föreningen")
    inputter = OrganisationFactory(name="Underlagsföreningen")
    c = ConsultationFactory(
        development_area_id="children", activity=activity, audience=Consultation.Audience.CHOSEN
    )
    c.invited_organisations.set([heard, silent])
    c.save()  # a ParentalManyToManyField is written on save
    CommentFactory(consultation=c, section=c.sections.first(), author=org_admin, organisation=heard)
    KnowledgeInput.objects.create(
        organisation=inputter, activity=activity, area=activity.area, text="Mönster."
    )
    meeting = MeetingFactory(
        start=timezone.now() - dt.timedelta(days=3), end=timezone.now() - dt.timedelta(days=3, hours=-2)
    )
    AgendaItemFactory(meeting=meeting, activity=activity)
    Invitation.objects.create(meeting=meeting, organisation=silent)
    Attendance.objects.create(meeting=meeting, organisation=inputter, name="Deltagare")
    ActionItemFactory(activity=activity, due_date=timezone.localdate() - dt.timedelta(days=2))
    ConsultationFactory(
        title="Stängt utan resultat",
        opens_at=timezone.now() - dt.timedelta(days=80),
        closes_at=timezone.now() - dt.timedelta(days=40),
    )

    data = dashboard.coverage()
    tables = {t["key"]: t for t in dashboard.tables(data)}
    # columns: invited, commented, responded, attended, input
    assert _row(tables["omraden"]["rows"], "2. Förebygga rasism mot barn och unga")[1:] == [2, 1, 0, 1, 1]
    assert _row(tables["aktiviteter"]["rows"], activity.title)[1:] == [2, 1, 0, 1, 1]
    assert _row(tables["former"]["rows"], "Antisemitism")[1:] == [2, 1, 0, 1, 1]
    assert tables["ej-horda"]["rows"] == [["Tysta föreningen"]]
    assert data.action_items_overdue_count == 1
    assert [row[0] for row in tables["resultat-saknas"]["rows"]] == ["Stängt utan resultat"]
    quarter = tables["kvartal"]["rows"][-1]
    assert quarter[2] == 1  # one organisation commented this quarter


def test_page_shows_chart_and_table_and_csv_has_the_same_figures(client, activity, coord):
    c = ConsultationFactory(
        development_area_id="children", activity=activity, audience=Consultation.Audience.CHOSEN
    )
    c.invited_organisations.set([OrganisationFactory(name="Tysta föreningen")])
    c.save()
    client.force_login(coord)
    response = client.get(reverse("actionplan:dashboard"))
    assert response.status_code == 200, response.content.decode()[-3000:]
    html = response.content.decode()
    assert "<svg" in html and "<table" in html and "Tysta föreningen" in html
    csv = client.get(reverse("actionplan:dashboard_csv", args=["ej-horda"])).content.decode("utf-8-sig")
    assert csv.splitlines()[1] == "Tysta föreningen"


def _grow(activity, n):
    for i in range(n):
        org = OrganisationFactory()
        admin = MembershipFactory(organisation=org, role="admin").user
        c = ConsultationFactory(development_area_id="children", activity=activity if i % 2 else None)
        CommentFactory(consultation=c, section=c.sections.first(), author=admin, organisation=org)
        KnowledgeInput.objects.create(organisation=org, area=activity.area, text="Mönster.")
        meeting = MeetingFactory()
        AgendaItemFactory(meeting=meeting, activity=activity)
        Invitation.objects.create(meeting=meeting, organisation=org)
        ActionItemFactory(activity=activity, due_date=timezone.localdate() - dt.timedelta(days=1))


def _queries(callable_):
    with CaptureQueriesContext(connection) as ctx:
        callable_()
    return len(ctx.captured_queries)


def test_query_count_is_flat_with_data_size(client, activity, coord):
    client.force_login(coord)
    url = reverse("actionplan:dashboard")
    _grow(activity, 2)
    client.get(url), client.get(activity.url)  # warm the per-process caches (site root, content types)
    small = _queries(lambda: client.get(url))
    small_activity = _queries(lambda: client.get(activity.url))
    _grow(activity, 8)
    assert _queries(lambda: client.get(url)) == small
    assert _queries(lambda: client.get(activity.url)) == small_activity
    client.logout()
    summary = reverse("actionplan:summary")
    client.get(summary)
    before = _queries(lambda: client.get(summary))
    _grow(activity, 3)
    assert _queries(lambda: client.get(summary)) == before


def test_figures_per_focus_area_of_the_human_rights_programme(client, activity, org, org_admin, coord):
    from actionplan.models import RightsFocusArea

    activity.rights_focus_areas.set([RightsFocusArea.objects.get(code="participation")])
    activity.save_revision().publish()
    silent = OrganisationFactory(name="Tysta föreningen")
    c = ConsultationFactory(activity=activity, audience=Consultation.Audience.CHOSEN)
    c.invited_organisations.set([org, silent])
    c.save()
    CommentFactory(consultation=c, section=c.sections.first(), author=org_admin, organisation=org)
    ConsultationFactory(title="Utan aktivitet")  # counts for no focus area

    tables = {t["key"]: t for t in dashboard.tables(dashboard.coverage())}
    rows = tables["mr-fokus"]["rows"]
    # columns: invited, commented, responded, attended, input
    assert _row(rows, "Delaktighet och inflytande")[1:] == [2, 1, 0, 0, 0]
    assert _row(rows, "Kunskap och information")[1:] == [0, 0, 0, 0, 0]
    assert tables["mr-fokus"]["title"] == "Per fokusområde i MR-programmet (senaste 12 månaderna)"

    client.force_login(coord)
    page = client.get(reverse("actionplan:dashboard")).content.decode()
    assert "Per fokusområde i MR-programmet" in page and "Delaktighet och inflytande" in page
    csv_body = client.get(reverse("actionplan:dashboard_csv", args=["mr-fokus"])).content.decode("utf-8-sig")
    assert "Delaktighet och inflytande,2,1,0,0,0" in csv_body
    client.logout()
    summary = client.get(reverse("actionplan:summary")).content.decode()
    assert "Per fokusområde i MR-programmet" in summary and org.name not in summary
