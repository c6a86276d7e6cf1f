"""Every state change of meetings, minutes, action items and calendar tokens.

Each service checks the rules (forms only check the shape of input), runs in one transaction, calls
`full_clean()` before saving, writes an audit entry for coordinator actions and raises the notification
event, whose e-mails leave after commit. A `ValidationError` means nothing was stored.
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.attribution import default_organisation
from organisations.models import Membership, Organisation
from portal.services import audit_log

from . import notifications, permissions
from .models import (
    ActionItem,
    ActionItemUpdate,
    AgendaItem,
    AgendaItemNote,
    Attendance,
    CalendarToken,
    Decision,
    Invitation,
    Meeting,
    MeetingDocument,
    Minutes,
    MinutesComment,
    MinutesCorrection,
)

# Changing any of these makes calendar clients replace their copy (SEQUENCE) and tells the invited.
CALENDAR_FIELDS = ("start", "end", "place", "online_link", "state")


def _require_coordinator(actor) -> None:
    if not permissions.is_coordinator(actor):
        raise PermissionDenied


def _snapshot(meeting: Meeting) -> dict:
    return {field: getattr(meeting, field) for field in CALENDAR_FIELDS}


def _changed_calendar_fields(before: dict, meeting: Meeting) -> list[str]:
    return [field for field in CALENDAR_FIELDS if before.get(field) != getattr(meeting, field)]


def _set_invitations(meeting: Meeting, organisations: Iterable[Organisation]) -> list[int]:
    """Keeps an invitation for each chosen organisation (answers of those kept are kept); returns the ids
    of the organisations newly invited."""
    wanted = {org.pk for org in organisations}
    existing = set(meeting.invitations.values_list("organisation_id", flat=True))
    Invitation.objects.filter(meeting=meeting).exclude(organisation_id__in=wanted).filter(
        answer=Invitation.Answer.NONE
    ).delete()
    new = sorted(wanted - existing)
    Invitation.objects.bulk_create([Invitation(meeting=meeting, organisation_id=pk) for pk in new])
    return new


def _approved(organisations: Iterable[Organisation]) -> list[Organisation]:
    organisations = list(organisations)
    for org in organisations:
        if not org.is_approved:
            raise ValidationError(_("Only approved organisations can be invited."))
    return organisations


# --- Meetings ----------------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    actor,
    meeting: Meeting,
    organisations: Iterable[Organisation] = (),
    agenda_items: Iterable[AgendaItem] = (),
) -> Meeting:
    """Stores a new planned meeting with its agenda and invitations and tells the invited."""
    _require_coordinator(actor)
    organisations = _approved(organisations)
    if not meeting.invite_all_approved and not organisations:
        raise ValidationError(_("Choose the organisations to invite, or invite all approved organisations."))
    meeting.state = Meeting.State.PLANNED
    meeting.sequence = 0
    meeting.created_by = actor
    meeting.full_clean()
    meeting.save()
    for order, item in enumerate(agenda_items):
        item.meeting = meeting
        item.sort_order = order
        item.full_clean()
        item.save()
    if not meeting.invite_all_approved:
        _set_invitations(meeting, organisations)
    audit_log(
        actor=actor, action="meetings.meeting_schedule", target=meeting, start=meeting.start.isoformat()
    )
    notifications.meeting_invited(meeting, actor=actor)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor,
    meeting: Meeting,
    organisations: Iterable[Organisation] | None = None,
    agenda_items: Iterable[AgendaItem] | None = None,
    deleted_agenda_items: Iterable[AgendaItem] = (),
) -> Meeting:
    """Saves changes to a planned meeting. A change of time or place raises SEQUENCE and tells the invited;
    newly invited organisations get an invitation."""
    _require_coordinator(actor)
    stored = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if stored.state == Meeting.State.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    meeting.state = stored.state
    meeting.sequence = stored.sequence
    meeting.full_clean()
    changed = _changed_calendar_fields(_snapshot(stored), meeting)
    if changed:
        meeting.sequence += 1
    meeting.save()
    for item in deleted_agenda_items:
        if item.pk and item.meeting_id == meeting.pk:
            item.delete()
    if agenda_items is not None:
        for order, item in enumerate(agenda_items):
            item.meeting = meeting
            item.sort_order = order
            item.full_clean()
            item.save()
    new_orgs: list[int] = []
    if organisations is not None and not meeting.invite_all_approved:
        organisations = _approved(organisations)
        if not organisations:
            raise ValidationError(
                _("Choose the organisations to invite, or invite all approved organisations.")
            )
        new_orgs = _set_invitations(meeting, organisations)
    audit_log(actor=actor, action="meetings.meeting_update", target=meeting, changed=changed)
    if changed and meeting.state == Meeting.State.PLANNED:
        notifications.meeting_changed(meeting, actor=actor)
    if new_orgs:
        notifications.meeting_invited(meeting, actor=actor, organisation_ids=new_orgs)
    return meeting


@transaction.atomic
def meeting_saved_in_admin(*, actor, meeting: Meeting, before: dict | None) -> Meeting:
    """Follow-up after the Wagtail admin saved a meeting form (inside the admin's transaction): raises
    SEQUENCE when time or place changed, records the audit entry and tells the invited."""
    _require_coordinator(actor)
    if before is None:
        audit_log(actor=actor, action="meetings.meeting_schedule", target=meeting, via="admin")
        if not meeting.created_by_id:
            Meeting.objects.filter(pk=meeting.pk).update(created_by=actor)
        notifications.meeting_invited(meeting, actor=actor)
        return meeting
    changed = _changed_calendar_fields(before, meeting)
    if before.get("state") != meeting.state:
        # State changes have their own services; the admin form does not offer the field.
        raise ValidationError(_("Use the meeting's actions to change its state."))
    if changed:
        Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
        meeting.refresh_from_db(fields=["sequence"])
    audit_log(actor=actor, action="meetings.meeting_update", target=meeting, changed=changed, via="admin")
    if changed and meeting.state == Meeting.State.PLANNED:
        notifications.meeting_changed(meeting, actor=actor)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    """Cancels a planned meeting. It stays on the site and in the feeds, marked cancelled."""
    _require_coordinator(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != Meeting.State.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    meeting.state = Meeting.State.CANCELLED
    meeting.cancel_reason = reason.strip()
    meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    audit_log(actor=actor, action="meetings.meeting_cancel", target=meeting, reason=meeting.cancel_reason)
    notifications.meeting_cancelled(meeting, actor=actor)
    return meeting


@transaction.atomic
def meeting_mark_held(*, actor, meeting: Meeting) -> Meeting:
    """Records that a planned meeting took place; its minutes can then be written."""
    _require_coordinator(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != Meeting.State.PLANNED:
        raise ValidationError(_("Only a planned meeting can be marked as held."))
    meeting.state = Meeting.State.HELD
    meeting.sequence += 1
    meeting.save()
    Minutes.objects.get_or_create(meeting=meeting)
    audit_log(actor=actor, action="meetings.meeting_mark_held", target=meeting)
    return meeting


# --- Documents on the meeting's own page -----------------------------------------------------------


@transaction.atomic
def meeting_document_add(*, actor, meeting: Meeting, title: str, file, members_only: bool) -> MeetingDocument:
    """Uploads a document to the meeting's page. Marked members only, it is listed and served only to
    members of the invited organisations and to coordinators (`permissions.may_serve_document`)."""
    from wagtail.documents import get_document_model

    _require_coordinator(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    document = get_document_model()(title=title.strip() or file.name, file=file, uploaded_by_user=actor)
    document.full_clean()
    document.save()
    order = meeting.meeting_documents.count()
    link = MeetingDocument(meeting=meeting, document=document, members_only=members_only, sort_order=order)
    link.full_clean()
    link.save()
    audit_log(
        actor=actor,
        action="meetings.document_add",
        target=meeting,
        document=document.title,
        members_only=members_only,
    )
    return link


@transaction.atomic
def meeting_document_set_members_only(*, actor, link: MeetingDocument, members_only: bool) -> MeetingDocument:
    """Marks a meeting document members only, or open to all who may see the meeting. Safe to repeat."""
    _require_coordinator(actor)
    link = MeetingDocument.objects.select_for_update().select_related("meeting", "document").get(pk=link.pk)
    if link.members_only != members_only:
        link.members_only = members_only
        link.save(update_fields=["members_only", "modified"])
        audit_log(
            actor=actor,
            action="meetings.document_mark",
            target=link.meeting,
            document=link.document.title,
            members_only=members_only,
        )
    return link


@transaction.atomic
def meeting_document_remove(*, actor, link: MeetingDocument) -> None:
    """Takes a document off the meeting's page (the file stays in the document library). A second call
    for the same row finds nothing and does nothing."""
    _require_coordinator(actor)
    link = (
        MeetingDocument.objects.select_for_update()
        .select_related("meeting", "document")
        .filter(pk=link.pk)
        .first()
    )
    if link is None:
        return
    meeting, title = link.meeting, link.document.title
    link.delete()
    audit_log(actor=actor, action="meetings.document_remove", target=meeting, document=title)


# --- RSVP and attendance --------------------------------------------------------------------------


@transaction.atomic
def rsvp_submit(
    *,
    user,
    meeting: Meeting,
    organisation: Organisation,
    answer: str,
    attendees: Iterable = (),
    needs: str = "",
    now: datetime | None = None,
) -> Invitation:
    """An organisation's answer: who attends and what they need. Repeating it replaces the answer."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().prefetch_related("invitations").get(pk=meeting.pk)
    if organisation.pk not in permissions.invited_organisation_ids(user, meeting):
        raise PermissionDenied
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(_("The meeting is cancelled, so it takes no answers."))
    if not meeting.rsvp_open(now):
        raise ValidationError(
            _("The time to answer has passed. Contact the coordinators if you still want to come.")
        )
    if answer not in (Invitation.Answer.ATTENDING, Invitation.Answer.DECLINED):
        raise ValidationError(_("Choose whether your organisation attends."))
    attendees = list(attendees) if answer == Invitation.Answer.ATTENDING else []
    if answer == Invitation.Answer.ATTENDING and not attendees:
        raise ValidationError(_("Name at least one person who attends."))
    member_ids = set(
        Membership.objects.active().filter(organisation=organisation).values_list("user_id", flat=True)
    )
    if any(person.pk not in member_ids for person in attendees):
        raise ValidationError(_("Only members of the organisation can be named."))
    invitation, _created = Invitation.objects.get_or_create(meeting=meeting, organisation=organisation)
    invitation.answer = answer
    invitation.needs = needs.strip() if answer == Invitation.Answer.ATTENDING else ""
    invitation.answered_by = user
    invitation.answered_at = now
    invitation.full_clean()
    invitation.save()
    invitation.attendees.set(attendees)
    return invitation


@transaction.atomic
def attendance_record(
    *,
    actor,
    meeting: Meeting,
    organisations: Iterable[Organisation] = (),
    people: Iterable = (),
    names: Iterable[str] = (),
) -> list[Attendance]:
    """Replaces the recorded attendance of a held (or planned, on the day) meeting."""
    _require_coordinator(actor)
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no attendance."))
    minutes = permissions.minutes_of(meeting)
    if minutes is not None and minutes.is_locked:
        raise ValidationError(_("Attendance cannot change after the minutes are approved."))
    Attendance.objects.filter(meeting=meeting).delete()
    rows = [Attendance(meeting=meeting, organisation=org) for org in organisations]
    rows += [Attendance(meeting=meeting, user=person) for person in people]
    rows += [Attendance(meeting=meeting, name=name.strip()) for name in names if name.strip()]
    for row in rows:
        row.full_clean()
    Attendance.objects.bulk_create(rows)
    audit_log(
        actor=actor,
        action="meetings.attendance_record",
        target=meeting,
        organisations=len([r for r in rows if r.organisation_id]),
        people=len(rows) - len([r for r in rows if r.organisation_id]),
    )
    return rows


# --- Minutes ------------------------------------------------------------------------------------------


def _editable(minutes: Minutes) -> None:
    if minutes.is_locked:
        raise ValidationError(_("Approved minutes cannot be changed. Add a correction instead."))


def _lock(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)


@transaction.atomic
def minutes_start(*, actor, meeting: Meeting) -> Minutes:
    """The draft minutes of a held meeting; safe to repeat."""
    _require_coordinator(actor)
    meeting = Meeting.objects.get(pk=meeting.pk)
    if meeting.state != Meeting.State.HELD:
        raise ValidationError(_("Minutes are written once the meeting has been held."))
    minutes, created = Minutes.objects.get_or_create(meeting=meeting)
    if created:
        audit_log(actor=actor, action="meetings.minutes_start", target=minutes)
    return minutes


@transaction.atomic
def minutes_update(
    *,
    actor,
    minutes: Minutes,
    introduction: str,
    notes: dict[int, str],
    decisions: dict[int, tuple[str, str]],
) -> Minutes:
    """Saves the text of draft minutes (or minutes out for review): notes and a decision per agenda item.
    An empty note or decision removes it."""
    _require_coordinator(actor)
    minutes = _lock(minutes)
    _editable(minutes)
    item_ids = set(minutes.meeting.agenda_items.values_list("pk", flat=True))
    if not set(notes) <= item_ids or not set(decisions) <= item_ids:
        raise ValidationError(_("The agenda item belongs to another meeting."))
    minutes.introduction = introduction.strip()
    minutes.full_clean()
    minutes.save()
    for item_id, text in notes.items():
        text = (text or "").strip()
        if text:
            AgendaItemNote.objects.update_or_create(
                minutes=minutes, agenda_item_id=item_id, defaults={"text": text}
            )
        else:
            AgendaItemNote.objects.filter(minutes=minutes, agenda_item_id=item_id).delete()
    for item_id, (text, result) in decisions.items():
        text = (text or "").strip()
        if text:
            decision = Decision.objects.filter(minutes=minutes, agenda_item_id=item_id).first() or Decision(
                minutes=minutes, agenda_item_id=item_id
            )
            decision.text = text
            decision.result = result or Decision.Result.ADOPTED
            decision.full_clean()
            decision.save()
        else:
            Decision.objects.filter(minutes=minutes, agenda_item_id=item_id).delete()
    audit_log(actor=actor, action="meetings.minutes_update", target=minutes)
    return minutes


@transaction.atomic
def action_item_create(
    *,
    actor,
    minutes: Minutes,
    description: str,
    agenda_item: AgendaItem | None = None,
    responsible_organisation: Organisation | None = None,
    responsible_unit: str = "",
    responsible_person=None,
    due_date: date | None = None,
    activity=None,
) -> ActionItem:
    """Adds an action item to minutes that are not yet approved, optionally as part of a published
    activity of the action plan (whose page then lists it)."""
    _require_coordinator(actor)
    minutes = _lock(minutes)
    _editable(minutes)
    if agenda_item is not None and agenda_item.meeting_id != minutes.meeting_id:
        raise ValidationError(_("The agenda item belongs to another meeting."))
    item = ActionItem(
        minutes=minutes,
        agenda_item=agenda_item,
        activity=_linkable_activity(activity),
        description=description.strip(),
        responsible_organisation=responsible_organisation,
        responsible_unit=responsible_unit.strip(),
        responsible_person=responsible_person,
        due_date=due_date,
    )
    item.full_clean()
    item.save()
    audit_log(actor=actor, action="meetings.action_item_create", target=item)
    return item


def _linkable_activity(activity):
    """The Swedish page of a published activity, or None. Links point at the Swedish page (the activity
    page shows what is linked to any of its languages); a draft or withdrawn activity is refused, since its
    page would not show the item."""
    if activity is None:
        return None
    if not activity.live:
        raise ValidationError(
            {"activity": _("Choose a published activity: this one is not published on the site.")}
        )
    if activity.locale.language_code != "sv":
        swedish = activity.get_translations().filter(locale__language_code="sv").live().first()
        if swedish is None:
            raise ValidationError(
                {"activity": _("Choose a published activity: this one is not published on the site.")}
            )
        activity = swedish.specific
    return activity


@transaction.atomic
def action_item_set_activity(*, actor, item: ActionItem, activity=None) -> ActionItem:
    """Links an action item to an activity of the action plan, or unlinks it (activity=None). Allowed also
    after the minutes are approved: the link files the item under the plan, it does not change what the
    minutes say. Audited; safe to repeat."""
    _require_coordinator(actor)
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    activity = _linkable_activity(activity)
    if item.activity_id == (activity.pk if activity else None):
        return item
    item.activity = activity
    item.full_clean()
    item.save(update_fields=["activity", "modified"])
    audit_log(
        actor=actor,
        action="meetings.action_item_set_activity",
        target=item,
        activity=activity.pk if activity else None,
    )
    return item


@transaction.atomic
def action_item_delete(*, actor, item: ActionItem) -> None:
    _require_coordinator(actor)
    minutes = _lock(item.minutes)
    _editable(minutes)
    audit_log(actor=actor, action="meetings.action_item_delete", target=item)
    item.delete()


@transaction.atomic
def minutes_send_for_review(*, actor, minutes: Minutes, days: int, now: datetime | None = None) -> Minutes:
    """Draft → out for review: the attendees may comment for `days` days, and are told so."""
    _require_coordinator(actor)
    minutes = _lock(minutes)
    if minutes.state != Minutes.State.DRAFT:
        raise ValidationError(_("Only draft minutes can be sent for review."))
    if not 1 <= days <= 60:
        raise ValidationError(_("Give between 1 and 60 days for the review."))
    now = now or timezone.now()
    minutes.state = Minutes.State.REVIEW
    minutes.review_days = days
    minutes.review_deadline = now + timedelta(days=days)
    minutes.full_clean()
    minutes.save()
    audit_log(actor=actor, action="meetings.minutes_send_for_review", target=minutes, days=days)
    notifications.minutes_out_for_review(minutes, actor=actor)
    return minutes


@transaction.atomic
def minutes_comment_add(
    *,
    user,
    minutes: Minutes,
    text: str,
    agenda_item: AgendaItem | None = None,
    organisation: Organisation | None = None,
    now: datetime | None = None,
) -> MinutesComment:
    """An attendee's review comment, accepted while the minutes are out for review and before the deadline.

    It is signed for the organisation the person attended for (`permissions.acting_organisation_ids`);
    when there are several, `organisation` chooses among them, else the one they last commented for. A
    person in no invited organisation (a coordinator) comments in their own name."""
    minutes = _lock(minutes)
    if minutes.state != Minutes.State.REVIEW:
        raise ValidationError(_("These minutes are not out for review."))
    if not permissions.can_review_minutes(user, minutes):
        raise PermissionDenied
    if minutes.review_deadline and (now or timezone.now()) > minutes.review_deadline:
        raise ValidationError(_("The review period has ended."))
    if agenda_item is not None and agenda_item.meeting_id != minutes.meeting_id:
        raise ValidationError(_("The agenda item belongs to another meeting."))
    organisation = _minutes_comment_organisation(user, minutes, organisation)
    comment = MinutesComment(
        minutes=minutes, author=user, organisation=organisation, agenda_item=agenda_item, text=text.strip()
    )
    comment.full_clean()
    comment.save()
    return comment


def _minutes_comment_organisation(user, minutes: Minutes, chosen: Organisation | None) -> Organisation | None:
    allowed = permissions.acting_organisation_ids(user, minutes.meeting)
    if chosen is not None:
        if chosen.pk not in allowed:
            raise ValidationError(
                _("You can only comment for an organisation that was invited to the meeting.")
            )
        return chosen
    if not allowed:
        return None
    last_used = MinutesComment.objects.filter(
        author=user, organisation_id__in=allowed, minutes__meeting=minutes.meeting
    ).order_by("-created", "-pk")
    default = default_organisation(
        Organisation.objects.filter(pk__in=allowed), last_used.values_list("organisation_id", flat=True)
    )
    if default is None:
        raise ValidationError(_("Choose which organisation you speak for."))
    return default


def minutes_fingerprint(minutes: Minutes) -> str:
    """SHA-256 of the approved content in a canonical JSON form, so anyone can check a copy."""
    meeting = minutes.meeting
    content = {
        "meeting": meeting.pk,
        "title": meeting.title,
        "start": meeting.start.isoformat(),
        "end": meeting.end.isoformat(),
        "introduction": minutes.introduction,
        "agenda": [
            [item.pk, item.number, item.title] for item in meeting.agenda_items.order_by("sort_order", "pk")
        ],
        "notes": [[n.agenda_item_id, n.text] for n in minutes.notes.order_by("agenda_item_id")],
        "decisions": [
            [d.agenda_item_id, d.text, d.result] for d in minutes.decisions.order_by("agenda_item_id")
        ],
        "action_items": [
            [
                a.pk,
                a.agenda_item_id,
                a.description,
                a.responsible_organisation_id,
                a.responsible_unit,
                a.responsible_person_id,
                a.due_date.isoformat() if a.due_date else None,
            ]
            for a in minutes.action_items.order_by("pk")
        ],
        "attendance": sorted(
            ([a.organisation_id, a.user_id, a.name] for a in Attendance.objects.filter(meeting=meeting)),
            key=lambda row: json.dumps(row),
        ),
        "approved_at": minutes.approved_at.isoformat() if minutes.approved_at else None,
        "approved_by": minutes.approved_by_id,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def minutes_approve(*, actor, minutes: Minutes, now: datetime | None = None) -> Minutes:
    """Out for review → approved: from now on the minutes are immutable and carry a SHA-256."""
    _require_coordinator(actor)
    minutes = _lock(minutes)
    if minutes.state != Minutes.State.REVIEW:
        raise ValidationError(_("Only minutes that have been out for review can be approved."))
    minutes.approved_at = now or timezone.now()
    minutes.approved_by = actor
    minutes.sha256 = minutes_fingerprint(minutes)
    minutes.state = Minutes.State.APPROVED
    minutes.save()
    audit_log(actor=actor, action="meetings.minutes_approve", target=minutes, sha256=minutes.sha256)
    return minutes


@transaction.atomic
def minutes_publish(*, actor, minutes: Minutes, audience: str, now: datetime | None = None) -> Minutes:
    """Approved → published to the members of the invited organisations or to everyone. Those responsible
    for action items are told."""
    _require_coordinator(actor)
    minutes = _lock(minutes)
    if minutes.state != Minutes.State.APPROVED:
        raise ValidationError(_("Only approved minutes can be published."))
    if audience not in Minutes.Audience.values:
        raise ValidationError(_("Choose who may read the minutes."))
    minutes.state = Minutes.State.PUBLISHED
    minutes.audience = audience
    minutes.published_at = now or timezone.now()
    minutes.save()
    audit_log(actor=actor, action="meetings.minutes_publish", target=minutes, audience=audience)
    notifications.minutes_published(minutes, actor=actor)
    for item in minutes.action_items.filter(status=ActionItem.Status.OPEN):
        notifications.action_item_assigned(item, actor=actor)
    return minutes


@transaction.atomic
def minutes_add_correction(*, actor, minutes: Minutes, text: str) -> MinutesCorrection:
    """Appends a correction to approved minutes; the approved text and its SHA-256 stay as they were."""
    _require_coordinator(actor)
    minutes = _lock(minutes)
    if not minutes.is_locked:
        raise ValidationError(_("Edit the minutes directly until they are approved."))
    correction = MinutesCorrection(minutes=minutes, text=text.strip(), author=actor)
    correction.full_clean()
    correction.save()
    audit_log(actor=actor, action="meetings.minutes_add_correction", target=minutes, correction=correction.pk)
    return correction


# --- Action items ---------------------------------------------------------------------------------


@transaction.atomic
def action_item_update_status(*, user, item: ActionItem, status: str, comment: str = "") -> ActionItemUpdate:
    """The responsible organisation's admin (or the responsible person, or a coordinator) changes the status
    and says why. Each update is kept."""
    item = ActionItem.objects.select_for_update().select_related("minutes").get(pk=item.pk)
    if not permissions.can_update_action_item(user, item):
        raise PermissionDenied
    if not item.minutes.is_locked:
        raise ValidationError(_("Action items can be followed up once the minutes are approved."))
    if status not in ActionItem.Status.values:
        raise ValidationError(_("Choose a status."))
    if status == item.status and not comment.strip():
        raise ValidationError(_("Change the status or write a comment."))
    update = ActionItemUpdate(action_item=item, author=user, status=status, comment=comment.strip())
    update.full_clean()
    update.save()
    if status != item.status:
        item.status = status
        item.save(update_fields=["status", "modified"])
    if permissions.is_coordinator(user):
        audit_log(actor=user, action="meetings.action_item_update_status", target=item, status=status)
    return update


# --- Calendar tokens ------------------------------------------------------------------------------


@transaction.atomic
def calendar_token_create(*, user) -> CalendarToken:
    """A new secret feed address; the previous one stops working."""
    CalendarToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
    token = CalendarToken(user=user)
    token.full_clean()
    token.save()
    return token


@transaction.atomic
def calendar_token_revoke(*, user) -> int:
    """Revokes the user's feed address; safe to repeat."""
    return CalendarToken.objects.active().filter(user=user).update(revoked_at=timezone.now())


# --- Scheduled ------------------------------------------------------------------------------------


def meetings_send_reminders(*, now: datetime | None = None) -> int:
    """Reminds those going to, or not yet answering for, meetings in the next two days. Safe to run as
    often as wanted: notify() sends each reminder once per meeting revision."""
    from .selectors import meetings_needing_reminder

    count = 0
    for meeting in meetings_needing_reminder(now=now):
        with transaction.atomic():
            notifications.meeting_reminder(meeting)
        count += 1
    return count


ACTION_ITEM_DUE_DAYS = 2


def action_items_notify_due(*, today: date | None = None) -> int:
    """Reminds those responsible for open action items due within two days (in published minutes).
    Once per item and due date, however often it runs; returns how many items had a reminder sent."""
    count = 0
    items = ActionItem.objects.due_within(ACTION_ITEM_DUE_DAYS, today).filter(
        minutes__state=Minutes.State.PUBLISHED
    )
    for item in items:
        with transaction.atomic():
            if notifications.action_item_due(item).notifications_created:
                count += 1
    return count


def minutes_send_review_reminders(*, now: datetime | None = None) -> int:
    """Reminds attendees who have not commented a day before the review of minutes closes. Once per
    minutes and deadline, however often it runs; returns how many minutes had a reminder sent."""
    now = now or timezone.now()
    count = 0
    minutes_due = Minutes.objects.filter(
        state=Minutes.State.REVIEW, review_deadline__gt=now, review_deadline__lte=now + timedelta(days=1)
    ).select_related("meeting")
    for minutes in minutes_due:
        with transaction.atomic():
            if notifications.minutes_review_due(minutes).notifications_created:
                count += 1
    return count


def action_items_notify_overdue(*, today: date | None = None) -> int:
    """Tells those responsible about open action items past their due date, once per due date."""
    count = 0
    items = ActionItem.objects.overdue(today).filter(minutes__state=Minutes.State.PUBLISHED)
    for item in items:
        with transaction.atomic():
            notifications.action_item_overdue(item)
        count += 1
    return count
