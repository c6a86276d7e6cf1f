"""What meetings hold about a person, for "My data" and account deletion (see privacy/).

Approved minutes, decisions and recorded attendance are the meeting's record and stay; the person then
shows as "Deleted user". Future RSVPs, personal calendar feeds and free-text needs they gave go.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from privacy.registry import register

from .models import ActionItem, ActionItemUpdate, Attendance, CalendarToken, Invitation, MinutesComment


def export(user) -> dict:
    invitations = (
        Invitation.objects.filter(Q(attendees=user) | Q(answered_by=user))
        .select_related("meeting", "organisation")
        .distinct()
        .order_by("meeting__start")
    )
    return {
        "meeting_rsvps": [
            {
                "meeting": i.meeting.title,
                "starts": i.meeting.start,
                "organisation": i.organisation.name,
                "answer": i.answer,
                "you_attend": i.attendees.filter(pk=user.pk).exists(),
                "answered_by_you": i.answered_by_id == user.pk,
                "needs": i.needs if i.answered_by_id == user.pk else "",
                "answered": i.answered_at,
            }
            for i in invitations
        ],
        "meeting_attendance": [
            {"meeting": a.meeting.title, "starts": a.meeting.start, "organisation": str(a.organisation or "")}
            for a in Attendance.objects.filter(user=user).select_related("meeting", "organisation")
        ],
        "minutes_comments": [
            {"meeting": c.minutes.meeting.title, "text": c.text, "written": c.created}
            for c in MinutesComment.objects.filter(author=user).select_related("minutes__meeting")
        ],
        "action_items": [
            {"description": a.description, "due": a.due_date, "status": a.status}
            for a in ActionItem.objects.filter(responsible_person=user)
        ],
        "action_item_updates": [
            {
                "action_item": u.action_item.description,
                "status": u.status,
                "comment": u.comment,
                "time": u.created,
            }
            for u in ActionItemUpdate.objects.filter(author=user).select_related("action_item")
        ],
        "calendar_feeds": [
            {"created": t.created, "revoked": t.revoked_at} for t in CalendarToken.objects.filter(user=user)
        ],
    }


@transaction.atomic
def erase(user) -> None:
    now = timezone.now()
    for invitation in Invitation.objects.filter(attendees=user, meeting__start__gte=now):
        invitation.attendees.remove(user)
    # Access or interpretation needs describe the person who gave them.
    Invitation.objects.filter(answered_by=user).exclude(needs="").update(needs="")
    Attendance.objects.filter(user=user).exclude(name="").update(name="")
    CalendarToken.objects.filter(user=user).delete()


register(
    "meetings",
    exporter=export,
    eraser=erase,
    titles={
        "meeting_rsvps": gettext_lazy("Answers to meeting invitations"),
        "meeting_attendance": gettext_lazy("Recorded attendance at meetings"),
        "minutes_comments": gettext_lazy("Comments on minutes"),
        "action_items": gettext_lazy("Action items you are responsible for"),
        "action_item_updates": gettext_lazy("Updates on action items"),
        "calendar_feeds": gettext_lazy("Personal calendar feeds"),
    },
)
