import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings import services
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_meeting_ics_keeps_uid_and_raises_sequence(client, coord, meeting, member):
    client.force_login(member)
    url = reverse("meetings:ics", kwargs={"pk": meeting.pk})
    ((uid, event),) = _events(client.get(url)).items()
    assert uid == meeting.calendar_uid and str(meeting.pk) in uid
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == meeting.start
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert str(event["status"]) == "CONFIRMED"
    assert meeting.online_link in str(event["description"])

    meeting.start += dt.timedelta(days=1)
    meeting.end += dt.timedelta(days=1)
    meeting.place = "Kulturhuset"
    services.meeting_update(actor=coord, meeting=meeting)
    ((uid2, event),) = _events(client.get(url)).items()
    assert uid2 == uid
    assert int(event["sequence"]) == 1
    assert str(event["location"]) == "Kulturhuset"

    services.meeting_cancel(actor=coord, meeting=meeting)
    ((uid3, event),) = _events(client.get(url)).items()
    assert uid3 == uid
    assert int(event["sequence"]) == 2
    assert str(event["status"]) == "CANCELLED"


def test_meeting_ics_for_outsider_is_404(client, meeting, other_admin):
    client.force_login(other_admin)
    assert client.get(reverse("meetings:ics", kwargs={"pk": meeting.pk})).status_code == 404


def test_public_feed_has_only_public_meetings_and_no_personal_data(client, coord, meeting, org, member):
    public = MeetingFactory(is_public=True, title="Öppet möte", online_link="https://meet.example.org/hemlig")
    cancelled = MeetingFactory(is_public=True, title="Inställt möte")
    services.meeting_cancel(actor=coord, meeting=cancelled)
    services.rsvp_submit(
        user=member, meeting=meeting, organisation=org, answer="attending", attendees=[member]
    )
    response = client.get(reverse("meetings:public_feed"))
    events = _events(response)
    assert set(events) == {public.calendar_uid, cancelled.calendar_uid}
    assert str(events[cancelled.calendar_uid]["status"]) == "CANCELLED"
    body = response.content.decode()
    assert "hemlig" not in body
    for personal in (member.email, member.get_display_name(), coord.email):
        assert personal not in body


def test_personal_feed_includes_members_only_and_stops_when_revoked(client, meeting, member, other_admin):
    token = services.calendar_token_create(user=member)
    url = reverse("meetings:personal_feed", kwargs={"key": token.key})
    events = _events(client.get(url))
    assert meeting.calendar_uid in events
    assert meeting.online_link in str(events[meeting.calendar_uid]["description"])
    # Someone else's feed does not include a meeting they are not invited to.
    other = services.calendar_token_create(user=other_admin)
    assert meeting.calendar_uid not in _events(
        client.get(reverse("meetings:personal_feed", kwargs={"key": other.key}))
    )
    services.calendar_token_revoke(user=member)
    assert client.get(url).status_code == 404


def test_unknown_feed_token_is_404(client, db):
    assert (
        client.get(reverse("meetings:personal_feed", kwargs={"key": "not-a-real-token"})).status_code == 404
    )


def test_new_token_replaces_the_old(client, member):
    first = services.calendar_token_create(user=member)
    second = services.calendar_token_create(user=member)
    assert client.get(reverse("meetings:personal_feed", kwargs={"key": first.key})).status_code == 404
    assert client.get(reverse("meetings:personal_feed", kwargs={"key": second.key})).status_code == 200
