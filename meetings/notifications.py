"""Who hears about what in meetings: the event types registered with the notifications app, and one
function per event that the services call inside their transaction.

`notifications.services.notify` writes the inbox rows and e-mail deliveries with the caller's transaction
and hands the e-mails to Celery after commit, in each recipient's language; repeating an event for the same
object and dedupe key sends nothing twice.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.registry import EventType, is_registered, register
from notifications.services import NotifyResult, notify
from organisations.models import Membership, Organisation

from .models import Attendance, Invitation, Meeting, Minutes, MinutesComment

INVITED = "meetings.invited"
CHANGED = "meetings.changed"
CANCELLED = "meetings.cancelled"
REMINDER = "meetings.reminder"
MINUTES_REVIEW = "meetings.minutes_review"
MINUTES_PUBLISHED = "meetings.minutes_published"
ACTION_ITEM_ASSIGNED = "meetings.action_item_assigned"
ACTION_ITEM_OVERDUE = "meetings.action_item_overdue"
ACTION_ITEM_DUE = "meetings.action_item_due"
MINUTES_REVIEW_DUE = "meetings.minutes_review_due"


def _users(user_ids_query):
    return get_user_model().objects.filter(is_active=True, pk__in=user_ids_query)


def invited_organisation_ids(meeting: Meeting):
    organisations = Organisation.objects.approved()
    if not meeting.invite_all_approved:
        organisations = organisations.filter(meeting_invitations__meeting=meeting)
    return organisations.values("pk")


def participants(meeting: Meeting, _context=None):
    """Active members of the invited approved organisations."""
    return _users(
        Membership.objects.active()
        .filter(organisation_id__in=invited_organisation_ids(meeting))
        .values("user_id")
    )


def reminder_recipients(meeting: Meeting, _context=None):
    """Members of the invited organisations that have not answered, and the people named as attending
    (an attending answer must name someone). Organisations that declined hear nothing."""
    invitations = Invitation.objects.filter(meeting=meeting)
    answered = invitations.exclude(answer=Invitation.Answer.NONE).values("organisation_id")
    unanswered = Organisation.objects.filter(pk__in=invited_organisation_ids(meeting)).exclude(
        pk__in=answered
    )
    members = Membership.objects.active().filter(organisation_id__in=unanswered.values("pk"))
    named = invitations.filter(answer=Invitation.Answer.ATTENDING, attendees__isnull=False).values(
        "attendees"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk__in=members.values("user_id")) | Q(pk__in=named))
    )


def _not_declined_organisation_ids(meeting: Meeting):
    """Invited organisations that have not declined (organisation-level copies of the reminder)."""
    declined = Invitation.objects.filter(meeting=meeting, answer=Invitation.Answer.DECLINED).values(
        "organisation_id"
    )
    return (
        Organisation.objects.filter(pk__in=invited_organisation_ids(meeting))
        .exclude(pk__in=declined)
        .values_list("pk", flat=True)
    )


def attendees(meeting: Meeting):
    """People recorded as present, and the members of organisations recorded as present."""
    org_ids = Attendance.objects.filter(meeting=meeting, organisation__isnull=False).values("organisation_id")
    people = Attendance.objects.filter(meeting=meeting, user__isnull=False).values("user_id")
    members = Membership.objects.active().filter(organisation_id__in=org_ids).values("user_id")
    return get_user_model().objects.filter(is_active=True).filter(Q(pk__in=people) | Q(pk__in=members))


def action_item_responsibles(item, _context=None):
    """The responsible person and the admins of the responsible organisation."""
    user_ids = set()
    if item.responsible_person_id:
        user_ids.add(item.responsible_person_id)
    if item.responsible_organisation_id:
        user_ids.update(
            Membership.objects.active()
            .admins()
            .filter(organisation_id=item.responsible_organisation_id)
            .values_list("user_id", flat=True)
        )
    return get_user_model().objects.filter(is_active=True, pk__in=user_ids)


def minutes_reviewers_silent(minutes: Minutes):
    """Those asked to review the minutes (the attendees) who have not commented on them."""
    commented = MinutesComment.objects.filter(minutes=minutes, author__isnull=False).values("author_id")
    return attendees(minutes.meeting).exclude(pk__in=commented)


def _meeting_link(meeting):
    return meeting.get_absolute_url()


def _minutes_link(minutes):
    if minutes.state == Minutes.State.REVIEW:
        return reverse("meetings:minutes_review", kwargs={"pk": minutes.meeting_id})
    return minutes.get_absolute_url()


def _action_items_link(_item):
    return reverse("meetings:action_items")


EVENT_TYPES = [
    EventType(
        key=INVITED,
        verbose_name=_("Invitation to a meeting"),
        description=_("When your organisation is invited to a reference-group meeting."),
        recipients=lambda meeting, context: participants(meeting),
        link=_meeting_link,
        organisation_level=True,
        organisations=lambda meeting, context: invited_organisation_ids(meeting).values_list("pk", flat=True),
    ),
    EventType(
        key=CHANGED,
        verbose_name=_("A meeting is moved"),
        description=_("When the time or place of a meeting you are invited to changes."),
        recipients=lambda meeting, context: participants(meeting),
        link=_meeting_link,
        organisation_level=True,
        organisations=lambda meeting, context: invited_organisation_ids(meeting).values_list("pk", flat=True),
    ),
    EventType(
        key=CANCELLED,
        verbose_name=_("A meeting is cancelled"),
        description=_("When a meeting you are invited to is cancelled."),
        recipients=lambda meeting, context: participants(meeting),
        link=_meeting_link,
        organisation_level=True,
        organisations=lambda meeting, context: invited_organisation_ids(meeting).values_list("pk", flat=True),
    ),
    EventType(
        key=REMINDER,
        verbose_name=_("Meeting reminder"),
        description=_(
            "Two days before a meeting you are going to, or one your organisation has not answered yet."
        ),
        recipients=reminder_recipients,
        link=_meeting_link,
        organisation_level=True,
        organisations=lambda meeting, context: _not_declined_organisation_ids(meeting),
    ),
    EventType(
        key=MINUTES_REVIEW,
        verbose_name=_("Minutes to review"),
        description=_("When the minutes of a meeting you attended are out for review."),
        recipients=lambda minutes, context: attendees(minutes.meeting),
        link=_minutes_link,
        prefetch=("meeting",),
    ),
    EventType(
        key=MINUTES_PUBLISHED,
        verbose_name=_("Minutes published"),
        description=_("When the approved minutes of a meeting are published."),
        recipients=lambda minutes, context: participants(minutes.meeting),
        link=_minutes_link,
        prefetch=("meeting",),
    ),
    EventType(
        key=ACTION_ITEM_ASSIGNED,
        verbose_name=_("Action item for you"),
        description=_("When a meeting gives you or your organisation something to do."),
        recipients=action_item_responsibles,
        link=_action_items_link,
    ),
    EventType(
        key=ACTION_ITEM_OVERDUE,
        verbose_name=_("Action item overdue"),
        description=_("When an action item you are responsible for is past its due date."),
        recipients=action_item_responsibles,
        link=_action_items_link,
    ),
    EventType(
        key=ACTION_ITEM_DUE,
        verbose_name=_("Action item due soon"),
        description=_("Two days before an action item you are responsible for is due."),
        recipients=action_item_responsibles,
        link=_action_items_link,
    ),
    EventType(
        key=MINUTES_REVIEW_DUE,
        verbose_name=_("Last day to comment on minutes"),
        description=_("A day before the review of minutes closes, if you have not commented."),
        recipients=lambda minutes, context: minutes_reviewers_silent(minutes),
        link=_minutes_link,
        prefetch=("meeting",),
    ),
]

for _event_type in EVENT_TYPES:
    if not is_registered(_event_type.key):
        register(_event_type)


# --- One function per event --------------------------------------------------------------------------


def meeting_invited(meeting: Meeting, *, actor=None, organisation_ids=None) -> None:
    """Members of the invited organisations (or only of the newly invited ones) hear about the meeting."""
    recipients = organisations = None
    if organisation_ids is not None:
        organisations = list(organisation_ids)
        recipients = _users(
            Membership.objects.active().filter(organisation_id__in=organisations).values("user_id")
        )
    notify(INVITED, meeting, actor=actor, recipients=recipients, organisations=organisations, dedupe_key="")


def meeting_changed(meeting: Meeting, *, actor=None) -> None:
    """Invited members hear that time or place changed; once per calendar revision."""
    notify(CHANGED, meeting, actor=actor, dedupe_key=f"seq-{meeting.sequence}")


def meeting_cancelled(meeting: Meeting, *, actor=None) -> None:
    notify(CANCELLED, meeting, actor=actor)


def meeting_reminder(meeting: Meeting) -> None:
    """Sent once per meeting (and again only if it is moved, as the key carries the revision)."""
    notify(REMINDER, meeting, dedupe_key=f"seq-{meeting.sequence}")


def minutes_review_due(minutes: Minutes) -> NotifyResult:
    """The last day to comment; once per review deadline (a new deadline is announced again)."""
    return notify(MINUTES_REVIEW_DUE, minutes, dedupe_key=f"deadline-{minutes.review_deadline:%Y%m%dT%H%M}")


def minutes_out_for_review(minutes: Minutes, *, actor=None) -> None:
    notify(MINUTES_REVIEW, minutes, actor=actor)


def minutes_published(minutes: Minutes, *, actor=None) -> None:
    notify(MINUTES_PUBLISHED, minutes, actor=actor)


def action_item_assigned(item, *, actor=None) -> None:
    notify(ACTION_ITEM_ASSIGNED, item, actor=actor)


def action_item_due(item) -> NotifyResult:
    """Due soon; once per due date."""
    return notify(ACTION_ITEM_DUE, item, dedupe_key=f"due-soon-{item.due_date.isoformat()}")


def action_item_overdue(item) -> None:
    notify(ACTION_ITEM_OVERDUE, item, dedupe_key=f"due-{item.due_date.isoformat() if item.due_date else ''}")
