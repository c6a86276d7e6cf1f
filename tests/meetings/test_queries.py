"""Pages cost the same number of queries whatever the amount of data: measured at a small size, then
asserted exactly at a larger one."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.documents.models import Document

from meetings import services
from meetings.models import AgendaItem, Meeting, MeetingDocument
from tests.factories import MeetingFactory, MeetingInvitationFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _document(n):
    return Document.objects.create(
        title=f"Underlag {n}", file=ContentFile(b"%PDF-1.4\n", name=f"underlag-{n}.pdf")
    )


def _meeting_with(coord, org, size: int) -> Meeting:
    """A held meeting with `size` agenda items (each with a document, note, decision and action item),
    `size` meeting documents, `size` invited organisations with answers, and published minutes."""
    meeting = MeetingFactory(invite_all_approved=False)
    MeetingInvitationFactory(meeting=meeting, organisation=org)
    for n in range(size):
        item = AgendaItem(meeting=meeting, title=f"Punkt {n}", sort_order=n, is_public=n % 2 == 0)
        item.save()
        item.documents.add(_document(f"{meeting.pk}-{n}"))
        MeetingDocument.objects.create(
            meeting=meeting, document=_document(f"m{meeting.pk}-{n}"), sort_order=n
        )
        other = OrganisationFactory()
        MeetingInvitationFactory(meeting=meeting, organisation=other)
        person = MembershipFactory(organisation=other).user
        services.rsvp_submit(
            user=person,
            meeting=meeting,
            organisation=other,
            answer="attending",
            attendees=[person],
            needs="Tolk",
        )
    services.meeting_mark_held(actor=coord, meeting=meeting)
    services.attendance_record(actor=coord, meeting=meeting, organisations=[org])
    minutes = services.minutes_start(actor=coord, meeting=meeting)
    items = list(meeting.agenda_items.all())
    services.minutes_update(
        actor=coord,
        minutes=minutes,
        introduction="Intro",
        notes={i.pk: f"Anteckning {i.pk}" for i in items},
        decisions={i.pk: (f"Beslut {i.pk}", "adopted") for i in items},
    )
    for item in items:
        services.action_item_create(
            actor=coord,
            minutes=minutes,
            description=f"Åtgärd {item.pk}",
            agenda_item=item,
            responsible_organisation=org,
            due_date=timezone.localdate() - dt.timedelta(days=1),
        )
    services.minutes_send_for_review(actor=coord, minutes=minutes, days=7)
    services.minutes_approve(actor=coord, minutes=minutes)
    services.minutes_publish(actor=coord, minutes=minutes, audience="members")
    return meeting


def _count(client, url) -> int:
    client.get(url)  # warm: the layout of this page is cached by the request before
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["member", "coord"])
def test_meeting_page_queries_flat(request, client, coord, org, member, role, django_assert_num_queries):
    small = _meeting_with(coord, org, 2)
    large = _meeting_with(coord, org, 10)
    client.force_login(request.getfixturevalue(role))
    client.get(reverse("meetings:detail", kwargs={"pk": small.pk}))  # warm caches (content types, site)
    expected = _count(client, reverse("meetings:detail", kwargs={"pk": small.pk}))
    client.get(reverse("meetings:detail", kwargs={"pk": large.pk}))  # this page's layout, cached once
    with django_assert_num_queries(expected):
        response = client.get(reverse("meetings:detail", kwargs={"pk": large.pk}))
    assert "Anteckning" in response.content.decode() and "Punkt 9" in response.content.decode()
    print(f"meeting page ({role}): {expected} queries")


def _add_meetings(count, *, past=False):
    start = timezone.now() + (dt.timedelta(days=-30) if past else dt.timedelta(days=3))
    for n in range(count):
        MeetingFactory(
            title=f"Möte {n}", start=start + dt.timedelta(hours=n), end=start + dt.timedelta(hours=n + 1)
        )


@pytest.mark.parametrize("name", ["list", "past", "my_rsvps"])
def test_lists_queries_flat(client, coord, org, member, name, django_assert_num_queries):
    client.force_login(member)
    url = reverse(f"meetings:{name}")
    _add_meetings(2, past=name == "past")
    client.get(url)
    expected = _count(client, url)
    _add_meetings(12, past=name == "past")
    client.get(url)  # the new rows start a new layout generation: cached again by the first request
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert "Möte 11" in response.content.decode()
    print(f"{name}: {expected} queries")


def test_past_list_with_minutes_queries_flat(client, coord, org, member, django_assert_num_queries):
    client.force_login(member)
    url = reverse("meetings:past")
    for meeting in (_meeting_with(coord, org, 1),):
        Meeting.objects.filter(pk=meeting.pk).update(
            start=timezone.now() - dt.timedelta(days=9), end=timezone.now() - dt.timedelta(days=8)
        )
    client.get(url)
    expected = _count(client, url)
    for _n in range(4):
        meeting = _meeting_with(coord, org, 1)
        Meeting.objects.filter(pk=meeting.pk).update(
            start=timezone.now() - dt.timedelta(days=9), end=timezone.now() - dt.timedelta(days=8)
        )
    client.get(url)  # the new rows start a new layout generation: cached again by the first request
    with django_assert_num_queries(expected):
        client.get(url)


@pytest.mark.parametrize("role", ["member", "org_admin", "coord"])
def test_action_items_queries_flat(request, client, coord, org, member, role, django_assert_num_queries):
    client.force_login(request.getfixturevalue(role))
    url = reverse("meetings:action_items")
    _meeting_with(coord, org, 1)
    client.get(url)
    expected = _count(client, url)
    _meeting_with(coord, org, 8)
    client.get(url)  # the new rows start a new layout generation: cached again by the first request
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.content.decode().count("Åtgärd ") >= 9
    print(f"action items ({role}): {expected} queries")
