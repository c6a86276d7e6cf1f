"""iCalendar (RFC 5545) output: one meeting, the public feed and personal feeds.

The UID comes from the meeting's primary key and never changes; SEQUENCE is the meeting's revision, raised
by the services when time, place or state changes; a cancelled meeting stays with STATUS:CANCELLED. Times
are written in UTC, which every client converts to local time.
"""

from datetime import UTC

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Meeting

PRODID = "-//City of Stockholm//Reference group against racism//SV"

_STATUS = {
    Meeting.State.PLANNED: "CONFIRMED",
    Meeting.State.HELD: "CONFIRMED",
    Meeting.State.CANCELLED: "CANCELLED",
}


def _utc(value):
    return value.astimezone(UTC)


def meeting_event(meeting: Meeting, *, members_only: bool) -> Event:
    """One VEVENT. Without `members_only` the online link is left out; no personal data is ever included."""
    event = Event()
    event.add("uid", meeting.calendar_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", _utc(meeting.modified))
    event.add("last-modified", _utc(meeting.modified))
    event.add("created", _utc(meeting.created))
    event.add("dtstart", _utc(meeting.start))
    event.add("dtend", _utc(meeting.end))
    summary = meeting.title
    if meeting.is_cancelled:
        summary = _("Cancelled: %(title)s") % {"title": meeting.title}
    event.add("summary", summary)
    description = meeting.description
    if members_only and meeting.online_link:
        description = f"{description}\n\n{_('Online link')}: {meeting.online_link}".strip()
    if description:
        event.add("description", description)
    location = meeting.place or (meeting.online_link if members_only else "")
    if location:
        event.add("location", location)
    event.add("url", settings.SITE_URL + meeting.get_absolute_url())
    event.add("status", _STATUS[meeting.state])
    event.add("class", "PUBLIC" if meeting.is_public else "PRIVATE")
    return event


def calendar_for(meetings, *, name: str, members_only_ids=frozenset()) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, members_only=meeting.pk in members_only_ids))
    return calendar.to_ical()
