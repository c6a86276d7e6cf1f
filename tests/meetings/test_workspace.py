"""A meeting's own page in the coordinators' workspace: only coordinators, its steps, the actions of each step
through the real services, refusals and flat query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import Meeting, Minutes
from tests.factories import MeetingInvitationFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def url(meeting, action=""):
    if action:
        return reverse(f"workspace_meeting_{action}", args=[meeting.pk])
    return reverse("workspace_meeting", args=[meeting.pk])


def test_only_coordinators(client, meeting, member):
    assert client.get(url(meeting)).status_code == 302
    client.force_login(member)
    response = client.post(url(meeting, "held"))
    assert response.status_code in (302, 403) and response.get("Location") != url(meeting)
    meeting.refresh_from_db()
    assert meeting.state == "planned"


def test_meeting_from_planned_to_published_minutes(client, coord, meeting, org, member):
    client.force_login(coord)
    html = client.get(url(meeting)).content.decode()
    assert 'aria-current="step">Planerat' in html
    assert org.name in html and "Inte svarat" in html
    assert url(meeting, "approve") not in html
    client.post(url(meeting, "held"))
    meeting.refresh_from_db()
    assert meeting.state == "held"
    minutes = Minutes.objects.get(meeting=meeting)
    items = list(meeting.agenda_items.order_by("sort_order"))
    services.minutes_update(
        actor=coord,
        minutes=minutes,
        introduction="Mötet öppnades.",
        notes={},
        decisions={items[0].pk: ("Gruppen godkänner planen.", "adopted")},
    )
    html = client.get(url(meeting)).content.decode()
    assert "Gruppen godkänner planen." in html
    assert client.post(url(meeting, "review"), {"days": "0"}).status_code == 400
    client.post(url(meeting, "review"), {"days": "7"})
    minutes.refresh_from_db()
    assert minutes.state == "review"
    # Publishing before approval is refused by the server, not only hidden.
    response = client.post(url(meeting, "publish"), {"audience": "public"}, follow=True)
    minutes.refresh_from_db()
    assert minutes.state == "review"
    assert "Bara ett godkänt protokoll kan publiceras." in response.content.decode()
    client.post(url(meeting, "approve"))
    client.post(url(meeting, "publish"), {"audience": "public"})
    minutes.refresh_from_db()
    assert minutes.state == "published" and minutes.audience == "public"
    html = client.get(url(meeting)).content.decode()
    assert 'aria-current="step">Protokoll publicerat' in html


def test_cancel_needs_a_reason(client, coord, meeting):
    client.force_login(coord)
    assert client.post(url(meeting, "cancel"), {"reason": ""}).status_code == 400
    client.post(url(meeting, "cancel"), {"reason": "Lokalen är inte tillgänglig."})
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.CANCELLED
    assert meeting.cancel_reason == "Lokalen är inte tillgänglig."
    assert "Mötet är inställt." in client.get(url(meeting)).content.decode()


def test_manage_page_links_to_the_meeting_in_the_workspace(client, coord, meeting):
    client.force_login(coord)
    html = client.get(reverse("meetings:manage", args=[meeting.pk])).content.decode()
    assert f'href="{url(meeting)}"' in html


def test_meeting_page_query_count_is_flat(client, coord, meeting):
    other = type(meeting).objects.get(pk=meeting.pk)
    other.pk = None
    other.save()
    for i in range(10):
        organisation = OrganisationFactory(name=f"Org {i}")
        MembershipFactory(organisation=organisation)
        MeetingInvitationFactory(meeting=other, organisation=organisation)
    client.force_login(coord)
    counts = []
    for m in (meeting, other):
        client.get(url(m))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(m)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
