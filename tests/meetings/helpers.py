"""Helpers that run meetings through their workflow with the real services."""

import datetime as dt

from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Meeting


def schedule(
    coord, *, orgs=(), invite_all=True, public=False, items=("Inledning", "Handlingsplanen"), **fields
):
    start = timezone.now() + dt.timedelta(days=10)
    meeting = Meeting(
        title=fields.pop("title", "Möte om handlingsplanen"),
        start=fields.pop("start", start),
        end=fields.pop("end", start + dt.timedelta(hours=2)),
        place=fields.pop("place", "Stadshuset"),
        online_link="https://meet.example.org/x",
        is_public=public,
        invite_all_approved=invite_all,
        **fields,
    )
    return services.meeting_schedule(
        actor=coord,
        meeting=meeting,
        organisations=list(orgs),
        agenda_items=[AgendaItem(title=title) for title in items],
    )


def published_minutes(coord, meeting, *, org=None, audience="members", action_org=None):
    """Runs a meeting through held → attendance → minutes → review → approved → published."""
    services.meeting_mark_held(actor=coord, meeting=meeting)
    meeting.refresh_from_db()
    services.attendance_record(actor=coord, meeting=meeting, organisations=[org] if org else [])
    minutes = services.minutes_start(actor=coord, meeting=meeting)
    items = list(meeting.agenda_items.order_by("sort_order"))
    services.minutes_update(
        actor=coord,
        minutes=minutes,
        introduction="Mötet öppnades kl. 16.",
        notes={item.pk: f"Anteckning om {item.title}" for item in items},
        decisions={items[0].pk: ("Gruppen godkänner planen.", "adopted")},
    )
    services.action_item_create(
        actor=coord,
        minutes=minutes,
        description="Skicka synpunkter på aktivitet 3",
        agenda_item=items[0],
        responsible_organisation=action_org or org,
        due_date=timezone.localdate() + dt.timedelta(days=20),
    )
    services.minutes_send_for_review(actor=coord, minutes=minutes, days=7)
    services.minutes_approve(actor=coord, minutes=minutes)
    services.minutes_publish(actor=coord, minutes=minutes, audience=audience)
    minutes.refresh_from_db()
    return minutes
