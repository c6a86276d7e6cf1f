"""Every state change of a consultation: publishing and versions, comments, moderation, formal responses,
the outcome and exports. Each function checks the rules itself (views only check the shape of input),
runs in one transaction and tells people through `consultations.notifications` after commit."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.services import audit_log

from . import notifications, permissions
from .models import (
    ANSWER_MAX_LENGTH,
    ATTACHMENTS_PER_RESPONSE,
    COMMENT_MAX_LENGTH,
    RATIONALE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    RESPONSE_TEXT_MAX_LENGTH,
    Comment,
    CommentReport,
    Consultation,
    ConsultationVersion,
    Export,
    InputMark,
    Mark,
    Outcome,
    Response,
    ResponseAnswer,
    ResponseAttachment,
    ResponseVersion,
    ResponseVersionFile,
    SectionOutcome,
)
from .validation import clean_plain_text, inspect_upload


class ConflictError(ValidationError):
    """Someone else saved the draft after this person loaded it."""


def _require_coordinator(actor) -> None:
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only coordinators can do this."))


def _locked_consultation(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


# --- Publishing and versions ------------------------------------------------------------------------


def consultation_snapshot(consultation: Consultation) -> dict:
    """The text as stored now: title and sections (with their stable keys)."""
    return {
        "title": consultation.title,
        "sections": [
            {"key": str(s.key), "heading": s.heading, "body": s.body}
            for s in consultation.sections.order_by("sort_order", "pk")
        ],
    }


@transaction.atomic
def consultation_publish(*, consultation: Consultation, actor) -> Consultation:
    """Takes a draft out of the drafting room: it becomes scheduled (or open at once if the opening time has
    passed) and its text becomes version 1. Refused when already published or without sections."""
    _require_coordinator(actor)
    consultation = _locked_consultation(consultation)
    if consultation.published_at is not None:
        raise ValidationError(_("This consultation is already published."), code="published")
    if not consultation.sections.exists():
        raise ValidationError(_("Add at least one section of text before publishing."), code="no_sections")
    consultation.full_clean()
    now = timezone.now()
    if consultation.closes_at <= now:
        raise ValidationError(_("The closing time has already passed."), code="closed")
    consultation.published_at = now
    consultation.published_by = actor
    consultation.current_version = 1
    consultation.save(update_fields=["published_at", "published_by", "current_version", "modified"])
    ConsultationVersion.objects.create(
        consultation=consultation, number=1, snapshot=consultation_snapshot(consultation), created_by=actor
    )
    audit_log(actor=actor, action="consultations.publish", target=consultation)
    if consultation.opens_at <= now:
        _announce_opened(consultation, now)
    return consultation


@transaction.atomic
def consultation_record_edit(
    *, consultation: Consultation, actor, change_note: str = ""
) -> ConsultationVersion | None:
    """Called after every admin save. Before opening, the one version follows the text; once open, a
    changed text becomes a new version with the change note. Unchanged text records nothing, so a repeat
    is harmless."""
    consultation = _locked_consultation(consultation)
    if consultation.published_at is None:
        return None
    latest = consultation.versions.order_by("-number").first()
    snapshot = consultation_snapshot(consultation)
    if latest is not None and latest.snapshot == snapshot:
        return None
    if latest is not None and not consultation.has_opened:
        latest.snapshot = snapshot
        latest.save(update_fields=["snapshot"])
        return latest
    change_note = (change_note or "").strip()
    if latest is not None and not change_note:
        raise ValidationError(_("Describe what changed: the consultation is open."), code="change_note")
    number = (latest.number if latest else 0) + 1
    version = ConsultationVersion.objects.create(
        consultation=consultation, number=number, snapshot=snapshot, change_note=change_note, created_by=actor
    )
    consultation.current_version = number
    consultation.save(update_fields=["current_version", "modified"])
    audit_log(actor=actor, action="consultations.new_version", target=consultation, version=number)
    return version


def _announce_opened(consultation: Consultation, now: datetime) -> None:
    Consultation.objects.filter(pk=consultation.pk).update(opened_notified_at=now)
    notifications.consultation_opened(consultation)


def consultations_announce(*, now: datetime | None = None) -> tuple[int, int]:
    """Beat: tells people about consultations that opened and reminds those that have not responded
    before the deadline. An opening is claimed by a conditional UPDATE, so a repeated or parallel run
    announces it once; reminders are sent once by notify(). Returns (opened, reminded)."""
    now = now or timezone.now()
    opened = 0
    for consultation in Consultation.objects.open(now).filter(opened_notified_at__isnull=True):
        with transaction.atomic():
            if Consultation.objects.filter(pk=consultation.pk, opened_notified_at__isnull=True).update(
                opened_notified_at=now
            ):
                notifications.consultation_opened(consultation)
                opened += 1
    closing = consultation_closing_reminders_send(now=now)
    return opened, closing


# Reminders to organisations that have not responded, in days before the deadline.
CLOSING_REMINDER_DAYS = (7, 2)
OUTCOME_REMINDER_AFTER = timedelta(days=14)


def consultation_closing_reminders_send(*, now: datetime | None = None) -> int:
    """Beat (through `consultations_announce`): reminds organisations that have not responded, 7 and 2
    days before the deadline. Only the reminder whose window `now` is in is sent; the 7-day one is left
    out when the consultation opened inside that week (the announcement named the deadline). Safe to
    run as often as wanted: notify() sends each reminder once per consultation, window and deadline.
    Returns how many consultations had a reminder sent."""
    now = now or timezone.now()
    longest = timedelta(days=max(CLOSING_REMINDER_DAYS))
    sent = 0
    for consultation in Consultation.objects.open(now).filter(closes_at__lte=now + longest):
        remaining = consultation.closes_at - now
        days = min(d for d in CLOSING_REMINDER_DAYS if remaining <= timedelta(days=d))
        window_start = consultation.closes_at - timedelta(days=days)
        if days != min(CLOSING_REMINDER_DAYS) and consultation.opens_at > window_start:
            continue
        with transaction.atomic():
            result = notifications.consultation_closing_soon(consultation, days=days)
            if result.notifications_created:
                Consultation.objects.filter(pk=consultation.pk).update(closing_notified_at=now)
                sent += 1
    return sent


def consultation_outcome_reminders_send(*, now: datetime | None = None) -> int:
    """Beat, daily: reminds coordinators to publish the outcome of consultations that closed two weeks
    ago or more and have none published. Once per consultation and closing time, however often it runs.
    Returns how many consultations had a reminder sent."""
    now = now or timezone.now()
    sent = 0
    for consultation in Consultation.objects.closed(now).filter(closes_at__lte=now - OUTCOME_REMINDER_AFTER):
        with transaction.atomic():
            if notifications.consultation_outcome_reminder(consultation).notifications_created:
                sent += 1
    return sent


# --- Comments -----------------------------------------------------------------------------------------


def _require_open(consultation: Consultation) -> None:
    if consultation.published_at is None or not consultation.is_open:
        raise ValidationError(
            _("The consultation is closed: comments and responses can no longer be sent."), code="closed"
        )


@transaction.atomic
def comment_create(
    *,
    author,
    consultation: Consultation,
    organisation,
    text: str,
    section=None,
    parent: Comment | None = None,
) -> Comment:
    """A comment on a section or on the whole, or a reply (one level: a reply to a reply joins the same
    thread). Refused when the consultation is not open or the author may not speak for the organisation."""
    consultation = _locked_consultation(consultation)
    _require_open(consultation)
    if not permissions.can_speak_for(author, consultation, organisation):
        raise PermissionDenied(
            _("You can only comment for an approved organisation taking part in the consultation.")
        )
    text = clean_plain_text(text, max_length=COMMENT_MAX_LENGTH)
    if parent is not None:
        if parent.consultation_id != consultation.pk:
            raise ValidationError(
                _("The comment you reply to belongs to another consultation."), code="parent"
            )
        if parent.parent_id is not None:
            parent = parent.parent
        if parent.deleted_at is not None or parent.hidden_at is not None:
            raise ValidationError(_("You cannot reply to a deleted or hidden comment."), code="parent")
        section = parent.section
    if section is not None and section.consultation_id != consultation.pk:
        raise ValidationError(_("The section belongs to another consultation."), code="section")
    comment = Comment(
        consultation=consultation,
        section=section,
        parent=parent,
        author=author,
        organisation=organisation,
        version=consultation.current_version,
        text=text,
    )
    comment.full_clean()
    comment.save()
    if parent is not None and parent.author_id and parent.author_id != author.pk:
        notifications.comment_replied(comment)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, user, text: str) -> Comment:
    """The author corrects their comment within 15 minutes of writing it; it is then shown as edited."""
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if comment.author_id != getattr(user, "pk", None):
        raise PermissionDenied(_("Only the author can edit a comment."))
    _require_open(comment.consultation)
    if not permissions.can_edit_comment(user, comment):
        raise ValidationError(
            _("A comment can only be edited within 15 minutes of writing it."), code="too_late"
        )
    text = clean_plain_text(text, max_length=COMMENT_MAX_LENGTH)
    if text != comment.text:
        comment.text = text
        comment.edited_at = timezone.now()
        comment.save(update_fields=["text", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user) -> Comment:
    """The author removes the text; a tombstone keeps the thread readable. Safe to repeat."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != getattr(user, "pk", None):
        raise PermissionDenied(_("Only the author can delete a comment."))
    if comment.deleted_at is None:
        comment.deleted_at = timezone.now()
        comment.text = ""
        comment.save(update_fields=["deleted_at", "text"])
    return comment


@transaction.atomic
def comment_report(*, comment: Comment, user, reason: str) -> CommentReport:
    """Anyone signed in may ask the coordinators to look at a comment; one open report per person."""
    if not permissions.can_report_comment(user, comment):
        raise PermissionDenied(_("You cannot report this comment."))
    reason = clean_plain_text(reason, max_length=REASON_MAX_LENGTH)
    report = CommentReport(comment=comment, reporter=user, reason=reason)
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise ValidationError(_("You have already reported this comment."), code="duplicate") from exc
    return report


@transaction.atomic
def comment_hide(*, comment: Comment, actor, reason: str) -> Comment:
    """A coordinator hides a comment with a reason: readers see a notice, the author is told why, open
    reports are closed, and the audit trail records it."""
    _require_coordinator(actor)
    reason = clean_plain_text(reason, max_length=REASON_MAX_LENGTH)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.hidden_at is not None:
        raise ValidationError(_("This comment is already hidden."), code="hidden")
    now = timezone.now()
    comment.hidden_at = now
    comment.hidden_by = actor
    comment.hidden_reason = reason
    comment.full_clean()
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now, resolved_by=actor)
    audit_log(actor=actor, action="consultations.comment_hide", target=comment, reason=reason)
    if comment.author_id:
        notifications.comment_hidden(comment)
    return comment


@transaction.atomic
def comment_restore(*, comment: Comment, actor) -> Comment:
    """Undoes a hiding. Safe to repeat."""
    _require_coordinator(actor)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.hidden_at is not None:
        comment.hidden_at = None
        comment.hidden_by = None
        comment.hidden_reason = ""
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        audit_log(actor=actor, action="consultations.comment_restore", target=comment)
    return comment


@transaction.atomic
def comment_reports_dismiss(*, comment: Comment, actor) -> int:
    """The coordinator looked and leaves the comment as it is."""
    _require_coordinator(actor)
    count = comment.reports.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor
    )
    if count:
        audit_log(actor=actor, action="consultations.reports_dismiss", target=comment, reports=count)
    return count


# --- Formal responses -------------------------------------------------------------------------------


def response_for(*, consultation: Consultation, organisation) -> Response:
    """The organisation's response row, created empty the first time. Safe to repeat."""
    response, _created = Response.objects.get_or_create(consultation=consultation, organisation=organisation)
    return response


def _check_revision(response: Response, revision) -> None:
    try:
        revision = int(revision)
    except (TypeError, ValueError):
        revision = -1
    if revision != response.revision:
        who = response.last_edited_by.get_display_name() if response.last_edited_by else _("someone else")
        raise ConflictError(
            _(
                "%(who)s saved this response while you were editing it, so your changes were not saved. "
                "Copy what you wrote, reload the page and add your changes again."
            )
            % {"who": who},
            code="conflict",
        )


@transaction.atomic
def response_save_draft(
    *,
    response: Response,
    user,
    revision,
    text: str,
    answers: dict[int, str] | None = None,
    new_files=(),
    remove_attachment_ids=(),
) -> Response:
    """Saves the draft. Any member of the organisation may; the `revision` they loaded must still be the
    current one, so two people never silently overwrite each other. Everything is checked before
    anything is written, so a bad file leaves the draft as it was."""
    response = (
        Response.objects.select_for_update()
        .select_related("consultation", "organisation")
        .get(pk=response.pk)
    )
    consultation = response.consultation
    _require_open(consultation)
    if not permissions.can_edit_response(user, consultation, response.organisation):
        raise PermissionDenied(_("Only members of the organisation can edit its response."))
    _check_revision(response, revision)
    errors = []
    try:
        text = clean_plain_text(text, max_length=RESPONSE_TEXT_MAX_LENGTH, required=False)
    except ValidationError as exc:
        errors.extend(exc.messages)
    questions = {q.pk: q for q in consultation.questions.all()}
    cleaned_answers = {}
    for pk, value in (answers or {}).items():
        if int(pk) not in questions:
            continue
        try:
            cleaned_answers[int(pk)] = clean_plain_text(
                value, max_length=ANSWER_MAX_LENGTH, required=False, label=questions[int(pk)].text
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
    inspected = []
    for upload in new_files or ():
        try:
            inspected.append((upload, inspect_upload(upload)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    remove_ids = {int(pk) for pk in remove_attachment_ids or ()}
    remaining = response.attachments.exclude(pk__in=remove_ids).count()
    if remaining + len(inspected) > ATTACHMENTS_PER_RESPONSE:
        errors.append(
            _("A response can have at most %(max)s attachments.") % {"max": ATTACHMENTS_PER_RESPONSE}
        )
    if errors:
        raise ValidationError(errors)

    response.text = text
    response.revision += 1
    response.last_edited_by = user
    response.save()
    for pk, value in cleaned_answers.items():
        ResponseAnswer.objects.update_or_create(response=response, question_id=pk, defaults={"text": value})
    for attachment in response.attachments.filter(pk__in=remove_ids):
        attachment.file.delete(save=False)
        attachment.delete()
    for upload, info in inspected:
        attachment = ResponseAttachment(response=response, uploaded_by=user, **info)
        attachment.file.save(info["name"], upload, save=False)
        attachment.save()
    return response


def response_hash(*, text: str, answers: list[dict], file_hashes: list[str], meta: dict) -> str:
    """SHA-256 over a canonical JSON of the text, the answers, the files' SHA-256 and who/what it is for."""
    payload = json.dumps(
        {"meta": meta, "text": text, "answers": answers, "files": file_hashes},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@transaction.atomic
def response_submit(*, response: Response, user, revision) -> ResponseVersion:
    """An organisation admin submits the draft as it stands: an immutable version with a receipt, e-mailed
    to the submitter. The response row is locked and its revision must be the one the admin confirmed, so
    of two racing submissions only the first succeeds; after the deadline nothing is accepted."""
    response = (
        Response.objects.select_for_update()
        .select_related("consultation", "organisation")
        .get(pk=response.pk)
    )
    consultation = response.consultation
    _require_open(consultation)
    if not permissions.can_submit_response(user, consultation, response.organisation):
        raise PermissionDenied(_("Only an administrator of the organisation can submit its response."))
    _check_revision(response, revision)
    answers = [
        {"question": q.text, "answer": a.text}
        for q, a in (
            (ans.question, ans)
            for ans in response.answers.select_related("question").order_by(
                "question__sort_order", "question_id"
            )
        )
        if a.text
    ]
    attachments = list(response.attachments.all())
    if not response.text.strip() and not answers and not attachments:
        raise ValidationError(
            _("The response is empty. Write an answer or attach a file first."), code="empty"
        )
    now = timezone.now()
    number = (response.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    receipt = f"R{consultation.pk:04d}-{response.organisation_id:04d}-{number:02d}"
    digest = response_hash(
        text=response.text,
        answers=answers,
        file_hashes=[a.sha256 for a in attachments],
        meta={
            "consultation": consultation.pk,
            "organisation": response.organisation_id,
            "version": number,
            "submitted_at": now.isoformat(),
        },
    )
    version = ResponseVersion.objects.create(
        response=response,
        number=number,
        text=response.text,
        answers=answers,
        submitted_at=now,
        submitted_by=user,
        submitted_by_name=user.get_display_name(),
        sha256=digest,
        receipt_number=receipt,
    )
    for attachment in attachments:
        attachment.file.open("rb")
        try:
            copy = ResponseVersionFile(
                version=version,
                name=attachment.name,
                content_type=attachment.content_type,
                size=attachment.size,
                sha256=attachment.sha256,
            )
            copy.file.save(attachment.name, ContentFile(attachment.file.read()), save=False)
            copy.save()
        finally:
            attachment.file.close()
    response.revision += 1
    response.last_edited_by = user
    response.save(update_fields=["revision", "last_edited_by", "modified"])
    notifications.response_submitted(version)
    return version


# --- Outcome --------------------------------------------------------------------------------------------


@transaction.atomic
def outcome_save(
    *,
    consultation: Consultation,
    actor,
    summary: str,
    section_texts: dict[int, str] | None = None,
    marks: dict[tuple[str, int], tuple[str, str]] | None = None,
) -> Outcome:
    """Stores the coordinator's outcome text, per-section answers and marks. Only after closing."""
    _require_coordinator(actor)
    consultation = _locked_consultation(consultation)
    if not consultation.has_ended:
        raise ValidationError(
            _("The outcome can be written once the consultation has closed."), code="not_closed"
        )
    errors = []
    try:
        summary = clean_plain_text(summary, max_length=20_000, required=False)
    except ValidationError as exc:
        errors.extend(exc.messages)
    sections = {s.pk: s for s in consultation.sections.all()}
    cleaned_sections = {}
    for pk, text in (section_texts or {}).items():
        if int(pk) in sections:
            try:
                cleaned_sections[int(pk)] = clean_plain_text(
                    text, max_length=10_000, required=False, label=sections[int(pk)].heading
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
    comment_ids = set(consultation.comments.values_list("pk", flat=True))
    response_ids = set(consultation.responses.filter(versions__isnull=False).values_list("pk", flat=True))
    cleaned_marks = {}
    for (kind, pk), (mark, rationale) in (marks or {}).items():
        if (kind == "comment" and pk not in comment_ids) or (kind == "response" and pk not in response_ids):
            continue
        if mark and mark not in Mark.values:
            errors.append(_("Choose a valid mark."))
            continue
        try:
            rationale = clean_plain_text(rationale, max_length=RATIONALE_MAX_LENGTH, required=False)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        cleaned_marks[(kind, pk)] = (mark, rationale)
    if errors:
        raise ValidationError(errors)

    outcome, _created = Outcome.objects.get_or_create(consultation=consultation)
    outcome.summary = summary
    outcome.save()
    for pk, text in cleaned_sections.items():
        SectionOutcome.objects.update_or_create(outcome=outcome, section_id=pk, defaults={"text": text})
    for (kind, pk), (mark, rationale) in cleaned_marks.items():
        lookup = {"outcome": outcome, f"{kind}_id": pk}
        if not mark:
            InputMark.objects.filter(**lookup).delete()
            continue
        InputMark.objects.update_or_create(**lookup, defaults={"mark": mark, "rationale": rationale})
    audit_log(actor=actor, action="consultations.outcome_save", target=consultation)
    return outcome


@transaction.atomic
def outcome_publish(*, consultation: Consultation, actor) -> Outcome:
    """Publishes the outcome, concluding the consultation, and tells everyone who took part."""
    _require_coordinator(actor)
    consultation = _locked_consultation(consultation)
    if not consultation.has_ended:
        raise ValidationError(
            _("The outcome can be published once the consultation has closed."), code="not_closed"
        )
    outcome = Outcome.objects.select_for_update().filter(consultation=consultation).first()
    if outcome is None or not outcome.summary.strip():
        raise ValidationError(_("Write a summary of the outcome before publishing it."), code="empty")
    if outcome.published_at is not None:
        raise ValidationError(_("The outcome is already published."), code="published")
    now = timezone.now()
    outcome.published_at = now
    outcome.published_by = actor
    outcome.save(update_fields=["published_at", "published_by", "modified"])
    consultation.concluded_at = now
    consultation.save(update_fields=["concluded_at", "modified"])
    audit_log(actor=actor, action="consultations.outcome_publish", target=consultation)
    notifications.outcome_published(consultation)
    return outcome


# --- Exports ------------------------------------------------------------------------------------------


@transaction.atomic
def export_request(*, consultation: Consultation, actor, kind: str) -> Export:
    """Queues an export for a coordinator; the task fills in the file and the status."""
    _require_coordinator(actor)
    if kind not in Export.Kind.values:
        raise ValidationError(_("Unknown export format."), code="kind")
    export = Export.objects.create(consultation=consultation, kind=kind, requested_by=actor)
    audit_log(actor=actor, action="consultations.export", target=consultation, kind=kind)
    from . import tasks

    tasks.run_export.delay_on_commit(export.pk)
    return export


# --- Closing time, reminders and archive (the coordinator workspace) -----------------------------------


class StaleStateError(ValidationError):
    """Another coordinator changed the consultation after this one loaded the page."""


def _check_seen_closes_at(consultation: Consultation, seen_closes_at: datetime | None) -> None:
    if seen_closes_at is not None and abs((consultation.closes_at - seen_closes_at).total_seconds()) >= 1:
        raise StaleStateError(
            _(
                "Someone else changed the closing time to %(closes)s while you had the page open. "
                "Nothing was changed: look at the consultation again and decide."
            )
            % {"closes": timezone.localtime(consultation.closes_at).strftime("%Y-%m-%d %H:%M")},
            code="stale",
        )


@transaction.atomic
def consultation_close_early(
    *, consultation: Consultation, actor, reason: str, seen_closes_at: datetime | None = None
) -> Consultation:
    """Closes an open consultation now. The reason is shown on the consultation's page and sent to the
    members of the organisations it is for. The row is locked and the closing time the coordinator saw
    must still be the current one, so of two coordinators acting at once only the first succeeds."""
    _require_coordinator(actor)
    reason = clean_plain_text(reason, max_length=REASON_MAX_LENGTH)
    consultation = _locked_consultation(consultation)
    _check_seen_closes_at(consultation, seen_closes_at)
    if not consultation.is_open:
        raise ValidationError(_("Only an open consultation can be closed early."), code="not_open")
    now = timezone.now()
    previous = consultation.closes_at
    consultation.closes_at = now
    consultation.deadline_note = reason
    consultation.full_clean()
    consultation.save(update_fields=["closes_at", "deadline_note", "modified"])
    audit_log(
        actor=actor,
        action="consultations.close_early",
        target=consultation,
        reason=reason,
        previous_closes_at=previous.isoformat(),
    )
    notifications.consultation_deadline_changed(consultation, reason=reason, early=True)
    return consultation


@transaction.atomic
def consultation_extend(
    *,
    consultation: Consultation,
    actor,
    closes_at: datetime,
    reason: str,
    seen_closes_at: datetime | None = None,
) -> Consultation:
    """Moves the closing time of a scheduled or open consultation later, with a reason participants see;
    they are told. Refused when someone else changed the closing time meanwhile."""
    _require_coordinator(actor)
    reason = clean_plain_text(reason, max_length=REASON_MAX_LENGTH)
    consultation = _locked_consultation(consultation)
    _check_seen_closes_at(consultation, seen_closes_at)
    if consultation.status not in (Consultation.Status.SCHEDULED, Consultation.Status.OPEN):
        raise ValidationError(_("Only a coming or open consultation can be extended."), code="not_open")
    if closes_at <= consultation.closes_at:
        raise ValidationError(_("The new closing time must be later than the current one."), code="earlier")
    previous = consultation.closes_at
    consultation.closes_at = closes_at
    consultation.deadline_note = reason
    consultation.full_clean()
    consultation.save(update_fields=["closes_at", "deadline_note", "modified"])
    audit_log(
        actor=actor,
        action="consultations.extend",
        target=consultation,
        reason=reason,
        previous_closes_at=previous.isoformat(),
        closes_at=closes_at.isoformat(),
    )
    notifications.consultation_deadline_changed(consultation, reason=reason, early=False)
    return consultation


@transaction.atomic
def consultation_remind_now(*, consultation: Consultation, actor, token: str = ""):
    """Reminds, now, the members of the organisations in the audience that have not submitted a
    response. At most one such reminder a day per consultation and closing time: sending the form twice
    (a double click, going back and sending again, two coordinators at once) sends nothing twice.
    Returns the NotifyResult."""
    _require_coordinator(actor)
    consultation = _locked_consultation(consultation)
    if not consultation.is_open:
        raise ValidationError(
            _("Reminders can only be sent while the consultation is open."), code="not_open"
        )
    days = max(0, (consultation.closes_at - timezone.now()).days)
    result = notifications.consultation_closing_soon(
        consultation,
        days=days,
        dedupe_key=f"now-{timezone.localdate():%Y%m%d}-{consultation.closes_at:%Y%m%dT%H%M}",
    )
    if result.notifications_created:
        audit_log(
            actor=actor,
            action="consultations.remind",
            target=consultation,
            recipients=result.notifications_created,
        )
    return result


@transaction.atomic
def consultation_archive(*, consultation: Consultation, actor) -> Consultation:
    """Marks a concluded consultation as archived: the record is complete and nothing more is done."""
    _require_coordinator(actor)
    consultation = _locked_consultation(consultation)
    if consultation.concluded_at is None:
        raise ValidationError(
            _("A consultation can be archived once its outcome is published."), code="not_concluded"
        )
    if consultation.archived_at is not None:
        raise ValidationError(_("This consultation is already archived."), code="archived")
    consultation.archived_at = timezone.now()
    consultation.save(update_fields=["archived_at", "modified"])
    audit_log(actor=actor, action="consultations.archive", target=consultation)
    return consultation
