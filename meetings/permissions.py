"""Who may see and do what with a meeting. Small predicates for one (user, object), checked on the server
by every view. None raises; the organisation rules come from `organisations.permissions`.

A *participant* of a meeting is an active member of an approved organisation that is invited (all
approved organisations when the meeting invites all). Coordinators (with two-factor) see everything.
"""

from django.db.models import Q

from organisations import permissions as org_permissions
from organisations.models import Membership, Organisation

from .models import ActionItem, Attendance, Meeting, Minutes

is_coordinator = org_permissions.is_coordinator


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def approved_organisation_ids(user) -> frozenset[int]:
    """Ids of the approved organisations where `user` is an active member; cached on the user object."""
    if not _authenticated(user):
        return frozenset()
    cached = getattr(user, "_meetings_org_ids", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.active()
            .filter(user=user, organisation__status=Organisation.Status.APPROVED)
            .values_list("organisation_id", flat=True)
        )
        user._meetings_org_ids = cached
    return cached


def admin_organisation_ids(user) -> frozenset[int]:
    if not _authenticated(user):
        return frozenset()
    cached = getattr(user, "_meetings_admin_org_ids", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.active().admins().filter(user=user).values_list("organisation_id", flat=True)
        )
        user._meetings_admin_org_ids = cached
    return cached


def forget(user) -> None:
    for attr in ("_meetings_org_ids", "_meetings_admin_org_ids"):
        if hasattr(user, attr):
            delattr(user, attr)


def invited_organisation_ids(user, meeting: Meeting) -> frozenset[int]:
    """The user's approved organisations that are invited to `meeting`.

    Uses `meeting.invitations` (prefetched by the selectors) to stay within a fixed number of queries."""
    mine = approved_organisation_ids(user)
    if not mine:
        return frozenset()
    if meeting.invite_all_approved:
        return mine
    return frozenset(inv.organisation_id for inv in meeting.invitations.all() if inv.organisation_id in mine)


def is_participant(user, meeting: Meeting) -> bool:
    return bool(invited_organisation_ids(user, meeting))


def minutes_of(meeting: Meeting) -> Minutes | None:
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def has_public_minutes(meeting: Meeting) -> bool:
    minutes = minutes_of(meeting)
    return bool(minutes and minutes.is_published and minutes.audience == Minutes.Audience.PUBLIC)


def can_view_meeting(user, meeting: Meeting) -> bool:
    """Public meetings, and meetings whose minutes were published to everyone, are open to all (their
    members-only parts are still hidden); others to participants and coordinators."""
    return (
        meeting.is_public
        or has_public_minutes(meeting)
        or is_coordinator(user)
        or is_participant(user, meeting)
    )


def can_see_members_only(user, meeting: Meeting) -> bool:
    """Online link, non-public agenda items and their documents."""
    return is_coordinator(user) or is_participant(user, meeting)


def can_rsvp(user, meeting: Meeting) -> bool:
    """Whether the person may answer for some organisation at all (the deadline is checked by the service,
    which gives a clear message)."""
    return is_participant(user, meeting)


def is_attendee(user, meeting: Meeting) -> bool:
    """Recorded as attending, in person or through an organisation that was recorded as attending."""
    if not _authenticated(user):
        return False
    mine = approved_organisation_ids(user)
    condition = Q(user=user)
    if mine:
        condition |= Q(organisation_id__in=mine)
    return Attendance.objects.filter(meeting=meeting).filter(condition).exists()


def acting_organisation_ids(user, meeting: Meeting) -> list[int]:
    """The organisations `user` may speak for at `meeting`, best first: those they were recorded as
    attending for, else those recorded as attending (or that named them in the RSVP), else all of their
    invited ones. A review comment is signed with one of these, never with an organisation that was not
    invited."""
    invited = invited_organisation_ids(user, meeting)
    if not invited:
        return []
    rows = list(
        Attendance.objects.filter(meeting=meeting, organisation_id__in=invited)
        .filter(Q(user=user) | Q(user__isnull=True))
        .values_list("organisation_id", "user_id")
    )
    personal = sorted({org for org, uid in rows if uid == user.pk})
    if personal:
        return personal
    attended = {org for org, _uid in rows}
    named = set(
        meeting.invitations.filter(organisation_id__in=invited, attendees=user).values_list(
            "organisation_id", flat=True
        )
    )
    if attended or named:
        return sorted(attended | named)
    return sorted(invited)


def can_view_minutes(user, minutes: Minutes | None) -> bool:
    if minutes is None:
        return False
    if is_coordinator(user):
        return True
    if minutes.state != Minutes.State.PUBLISHED:
        return False
    return minutes.audience == Minutes.Audience.PUBLIC or is_participant(user, minutes.meeting)


def can_review_minutes(user, minutes: Minutes | None) -> bool:
    """Attendees comment while the minutes are out for review."""
    if minutes is None or minutes.state != Minutes.State.REVIEW:
        return False
    return is_coordinator(user) or is_attendee(user, minutes.meeting)


def can_update_action_item(user, item: ActionItem) -> bool:
    """An admin of the responsible organisation, the responsible person, or a coordinator."""
    if not _authenticated(user):
        return False
    if is_coordinator(user):
        return True
    if item.responsible_person_id and item.responsible_person_id == user.pk:
        return True
    return bool(
        item.responsible_organisation_id and item.responsible_organisation_id in admin_organisation_ids(user)
    )


def may_serve_document(user, document) -> bool | None:
    """Whether Wagtail may serve `document` to `user`, judged by the meetings it is attached to.

    None when no meeting uses the document (then Wagtail's own rules apply). Otherwise the document is
    served when one of its uses is visible to the user: a meeting document of a meeting they may view (one
    marked members only: of a meeting whose members-only material they may see), or
    an agenda item's document of an item they may see (public items of a visible meeting; all items for
    participants and coordinators). Documents are served at guessable /documents/<id>/ addresses, so
    without this a members-only document would be open to anyone."""
    from .models import AgendaItem, MeetingDocument

    uses = [
        (link.meeting, not link.members_only)
        for link in MeetingDocument.objects.filter(document=document).select_related("meeting")
    ]
    uses += [
        (item.meeting, item.is_public)
        for item in AgendaItem.objects.filter(documents=document).select_related("meeting")
    ]
    if not uses:
        return None
    return any(
        can_see_members_only(user, meeting) or (public and can_view_meeting(user, meeting))
        for meeting, public in uses
    )
