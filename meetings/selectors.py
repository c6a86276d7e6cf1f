"""Permission-aware reads. Each returns what the caller may see, prefetched so that a page costs the same
number of queries however many meetings, agenda items or action items it shows."""

from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from consultations import permissions as consultation_permissions
from organisations.models import Membership

from . import permissions
from .models import ActionItem, AgendaItem, Invitation, Meeting, Minutes


def _visibility(user) -> Q | None:
    """None means everything (coordinators)."""
    if permissions.is_coordinator(user):
        return None
    condition = Q(is_public=True) | Q(
        minutes__state=Minutes.State.PUBLISHED, minutes__audience=Minutes.Audience.PUBLIC
    )
    orgs = permissions.approved_organisation_ids(user)
    if orgs:
        condition |= Q(invite_all_approved=True) | Q(invitations__organisation_id__in=orgs)
    return condition


def visible_meetings(user):
    meetings = Meeting.objects.all()
    condition = _visibility(user)
    if condition is not None:
        meetings = meetings.filter(pk__in=Meeting.objects.filter(condition).values("pk"))
    return meetings.select_related("minutes").prefetch_related("invitations")


def coming_meetings(user, *, now=None):
    return visible_meetings(user).coming(now)


def past_meetings(user, *, now=None):
    return visible_meetings(user).past(now)


def meeting_for_page(pk: int):
    """One meeting with everything its page shows, in a fixed number of queries."""
    return (
        Meeting.objects.select_related("minutes", "minutes__approved_by")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.order_by("sort_order", "pk")
                .select_related("consultation")
                .prefetch_related("documents"),
            ),
            "meeting_documents__document",
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("organisation", "answered_by").prefetch_related(
                    "attendees"
                ),
            ),
        )
        .get(pk=pk)
    )


def minutes_content(minutes: Minutes) -> dict:
    """Notes, decisions, action items (by agenda item) and corrections of one set of minutes."""
    notes = {n.agenda_item_id: n for n in minutes.notes.all()}
    decisions = {d.agenda_item_id: d for d in minutes.decisions.all()}
    action_items = list(
        minutes.action_items.select_related(
            "responsible_organisation", "responsible_person", "agenda_item", "activity"
        )
        .prefetch_related("updates__author")
        .order_by("pk")
    )
    return {
        "notes": notes,
        "decisions": decisions,
        "action_items": action_items,
        "corrections": list(minutes.corrections.select_related("author")),
    }


def agenda_with_minutes(
    meeting: Meeting, minutes: Minutes | None, *, members_only: bool, viewer=None, content=None
) -> list[dict]:
    """The agenda as rows for templates: item, number, note, decision, action items; non-public items
    are left out unless `members_only` is allowed. `content`: the minutes' `minutes_content`, when the
    caller has read it already (the meeting page shows it too: five queries saved)."""
    if content is None:
        content = (
            minutes_content(minutes)
            if minutes is not None
            else {"notes": {}, "decisions": {}, "action_items": []}
        )
    rows = []
    for index, item in enumerate(meeting.agenda_items.all(), start=1):
        if not item.is_public and not members_only:
            continue
        rows.append(
            {
                "item": item,
                "number": item.number or str(index),
                # A link to a consultation only when the reader may see it (not a draft, or a coordinator).
                "consultation": item.consultation
                if item.consultation_id and consultation_permissions.can_view(viewer, item.consultation)
                else None,
                "note": content["notes"].get(item.pk),
                "decision": content["decisions"].get(item.pk),
                "action_items": [a for a in content["action_items"] if a.agenda_item_id == item.pk],
            }
        )
    return rows


def rsvp_invitations(user, meeting: Meeting) -> list[tuple]:
    """[(organisation, invitation or None)] for each of the user's invited organisations."""
    org_ids = permissions.invited_organisation_ids(user, meeting)
    if not org_ids:
        return []
    by_org = {inv.organisation_id: inv for inv in meeting.invitations.all()}
    memberships = (
        Membership.objects.active()
        .filter(user=user, organisation_id__in=org_ids)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return [(m.organisation, by_org.get(m.organisation_id)) for m in memberships]


def my_rsvps(user, *, now=None):
    """Coming meetings to which the user's organisations are invited, with the answers given."""
    orgs = permissions.approved_organisation_ids(user)
    if not orgs:
        return Meeting.objects.none()
    meetings = Meeting.objects.filter(pk__in=Meeting.objects.invited(orgs).values("pk")).coming(now)
    return meetings.prefetch_related(
        Prefetch(
            "invitations",
            queryset=Invitation.objects.filter(organisation_id__in=orgs)
            .select_related("organisation")
            .prefetch_related("attendees"),
            to_attr="my_invitations",
        ),
        "invitations",
    )


def visible_action_items(user, *, responsible_organisation: int | None = None, status: str = ""):
    """Action items of approved minutes that the user may see, overdue ones first within a due date."""
    items = ActionItem.objects.filter(minutes__state__in=Minutes.LOCKED_STATES)
    if not permissions.is_coordinator(user):
        published = Q(minutes__state=Minutes.State.PUBLISHED)
        condition = (
            published
            & Q(minutes__audience=Minutes.Audience.PUBLIC)
            & (Q(agenda_item__isnull=True) | Q(agenda_item__is_public=True))
        )
        orgs = permissions.approved_organisation_ids(user)
        if orgs:
            condition |= published & (
                Q(minutes__meeting__invite_all_approved=True)
                | Q(minutes__meeting__invitations__organisation_id__in=orgs)
            )
            condition |= Q(responsible_organisation_id__in=orgs)
        if getattr(user, "is_authenticated", False):
            condition |= Q(responsible_person=user)
        items = items.filter(pk__in=ActionItem.objects.filter(condition).values("pk"))
    if responsible_organisation:
        items = items.filter(responsible_organisation_id=responsible_organisation)
    if status:
        items = items.filter(status=status)
    return (
        items.select_related(
            "minutes__meeting", "responsible_organisation", "responsible_person", "agenda_item", "activity"
        )
        .prefetch_related("updates__author")
        .order_by("due_date", "pk")
    )


def meetings_needing_reminder(*, now=None, hours: int = 48):
    now = now or timezone.now()
    return Meeting.objects.filter(
        state=Meeting.State.PLANNED, start__gt=now, start__lte=now + timedelta(hours=hours)
    )
