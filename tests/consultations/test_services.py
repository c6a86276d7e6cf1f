import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consultations import services
from consultations.models import (
    Comment,
    Consultation,
    ConsultationVersion,
    InputMark,
    Response,
    ResponseAttachment,
    ResponseVersion,
)
from notifications.models import Notification
from portal.models import AuditEntry
from tests.consultations.conftest import close, docx_upload, exe_upload, pdf_upload
from tests.factories import CommentFactory, ConsultationFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


# --- Lifecycle ---------------------------------------------------------------------------------------


def test_lifecycle_querysets():
    now = timezone.now()
    draft = ConsultationFactory(published_at=None, sections=1)
    scheduled = ConsultationFactory(opens_at=now + dt.timedelta(days=2), closes_at=now + dt.timedelta(days=9))
    open_ = ConsultationFactory()
    soon = ConsultationFactory(closes_at=now + dt.timedelta(days=1))
    closed = ConsultationFactory(opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=1))
    concluded = ConsultationFactory(
        opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=1), concluded_at=now
    )
    assert set(Consultation.objects.drafts()) == {draft}
    assert set(Consultation.objects.scheduled()) == {scheduled}
    assert set(Consultation.objects.open()) == {open_, soon}
    assert set(Consultation.objects.closing_soon()) == {soon}
    assert set(Consultation.objects.closed()) == {closed}
    assert set(Consultation.objects.concluded()) == {concluded}
    assert [c.status for c in (draft, scheduled, open_, closed, concluded)] == [
        "draft",
        "scheduled",
        "open",
        "closed",
        "concluded",
    ]


def test_publish_creates_version_one_audits_and_announces(
    coord, member_a, member_b, django_capture_on_commit_callbacks, mailoutbox
):
    consultation = ConsultationFactory(published_at=None, current_version=0, sections=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_publish(consultation=consultation, actor=coord)
    consultation.refresh_from_db()
    assert consultation.status == "open"
    version = consultation.versions.get()
    assert version.number == 1 and len(version.snapshot["sections"]) == 2
    assert AuditEntry.objects.filter(action="consultations.publish", actor=coord).exists()
    assert consultation.opened_notified_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == sorted([member_a.email, member_b.email])
    assert consultation.title in mailoutbox[0].subject


def test_publish_refused_for_non_coordinator_and_twice(coord, admin_a):
    consultation = ConsultationFactory(published_at=None, current_version=0)
    with pytest.raises(PermissionDenied):
        services.consultation_publish(consultation=consultation, actor=admin_a)
    services.consultation_publish(consultation=consultation, actor=coord)
    with pytest.raises(ValidationError):
        services.consultation_publish(consultation=consultation, actor=coord)


def test_scheduled_consultation_is_announced_by_the_beat_once(
    coord, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    consultation = ConsultationFactory(
        published_at=None, opens_at=now + dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_publish(consultation=consultation, actor=coord)
    assert mailoutbox == []
    later = now + dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.consultations_announce(now=later) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.consultations_announce(now=later) == (0, 0)
    subjects = sorted(m.subject for m in mailoutbox)
    assert len(subjects) == 2  # opened + closing soon, each once


def test_edit_of_open_consultation_creates_version_with_note(consultation, coord):
    section = consultation.sections.first()
    key = section.key
    section.body = "<p>Ny text.</p>"
    section.save()
    with pytest.raises(ValidationError):
        services.consultation_record_edit(consultation=consultation, actor=coord, change_note="")
    version = services.consultation_record_edit(
        consultation=consultation, actor=coord, change_note="Förtydligat."
    )
    assert version.number == 2 and version.change_note == "Förtydligat."
    consultation.refresh_from_db()
    assert consultation.current_version == 2
    section.refresh_from_db()
    assert section.key == key  # the anchor survives the edit
    assert services.consultation_record_edit(consultation=consultation, actor=coord, change_note="x") is None
    assert ConsultationVersion.objects.filter(consultation=consultation).count() == 2


# --- Comments -----------------------------------------------------------------------------------------


def test_comment_and_reply_notify_parent_author(
    consultation, member_a, member_b, org_a, org_b, django_capture_on_commit_callbacks, mailoutbox
):
    section = consultation.sections.first()
    comment = services.comment_create(
        author=member_a, consultation=consultation, organisation=org_a, text="Bra förslag.", section=section
    )
    assert comment.version == 1 and comment.section == section
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.comment_create(
            author=member_b, consultation=consultation, organisation=org_b, text="Håller med.", parent=comment
        )
    assert reply.parent == comment and reply.section == section
    assert [m.to for m in mailoutbox] == [[member_a.email]]
    # A reply to a reply joins the same thread: one level only.
    nested = services.comment_create(
        author=member_a, consultation=consultation, organisation=org_a, text="Tack!", parent=reply
    )
    assert nested.parent == comment


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("x" * 100_000, "too_long"),
        ("<script>alert(1)</script>", "markup"),
        ('<a href="javascript:x">klicka</a>', "markup"),
    ],
)
def test_bad_comment_text_is_refused_and_nothing_stored(consultation, member_a, org_a, text, code):
    with pytest.raises(ValidationError) as info:
        services.comment_create(author=member_a, consultation=consultation, organisation=org_a, text=text)
    assert info.value.code == code
    assert Comment.objects.count() == 0


def test_plain_text_with_angle_brackets_is_fine(consultation, member_a, org_a):
    comment = services.comment_create(
        author=member_a, consultation=consultation, organisation=org_a, text="Kostnad < 5 000 kr & mer"
    )
    assert comment.text == "Kostnad < 5 000 kr & mer"


def test_comment_on_closed_consultation_is_refused(consultation, member_a, org_a):
    close(consultation)
    with pytest.raises(ValidationError) as info:
        services.comment_create(author=member_a, consultation=consultation, organisation=org_a, text="Sent")
    assert info.value.code == "closed"
    assert Comment.objects.count() == 0


def test_comment_refused_for_outsider_and_pending_organisation(consultation, outsider, org_a):
    with pytest.raises(PermissionDenied):
        services.comment_create(author=outsider, consultation=consultation, organisation=org_a, text="Hej")
    pending = OrganisationFactory(status="pending")
    member = MembershipFactory(organisation=pending).user
    with pytest.raises(PermissionDenied):
        services.comment_create(author=member, consultation=consultation, organisation=pending, text="Hej")


def test_chosen_audience_limits_who_comments(consultation, member_a, member_b, org_a, org_b):
    consultation.audience = "chosen"
    consultation.invited_organisations.set([org_a])
    consultation.save()  # a ParentalManyToManyField is written on save
    consultation = Consultation.objects.get(pk=consultation.pk)
    services.comment_create(author=member_a, consultation=consultation, organisation=org_a, text="Vi är med")
    with pytest.raises(PermissionDenied):
        services.comment_create(
            author=member_b, consultation=consultation, organisation=org_b, text="Vi med?"
        )


def test_comment_edit_within_15_minutes_then_refused(consultation, member_a, member_b, org_a):
    comment = services.comment_create(
        author=member_a, consultation=consultation, organisation=org_a, text="Först"
    )
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, user=member_b, text="Kapat")
    services.comment_edit(comment=comment, user=member_a, text="Rättat")
    comment.refresh_from_db()
    assert comment.text == "Rättat" and comment.edited_at is not None
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - dt.timedelta(minutes=16))
    with pytest.raises(ValidationError) as info:
        services.comment_edit(comment=comment, user=member_a, text="För sent")
    assert info.value.code == "too_late"
    comment.refresh_from_db()
    assert comment.text == "Rättat"


def test_comment_delete_leaves_tombstone(consultation, member_a, member_b, org_a):
    comment = services.comment_create(
        author=member_a, consultation=consultation, organisation=org_a, text="Bort"
    )
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, user=member_b)
    services.comment_delete(comment=comment, user=member_a)
    services.comment_delete(comment=comment, user=member_a)
    comment.refresh_from_db()
    assert comment.deleted_at is not None and comment.text == ""
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_report_hide_restore_with_audit_and_author_told(
    consultation, member_a, member_b, org_a, coord, django_capture_on_commit_callbacks, mailoutbox
):
    comment = services.comment_create(
        author=member_a, consultation=consultation, organisation=org_a, text="Hmm"
    )
    services.comment_report(comment=comment, user=member_b, reason="Kränkande")
    with pytest.raises(ValidationError):
        services.comment_report(comment=comment, user=member_b, reason="Igen")
    with pytest.raises(PermissionDenied):
        services.comment_report(comment=comment, user=member_a, reason="Min egen")
    with pytest.raises(PermissionDenied):
        services.comment_hide(comment=comment, actor=member_b, reason="Nej")
    with pytest.raises(ValidationError):
        services.comment_hide(comment=comment, actor=coord, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(comment=comment, actor=coord, reason="Bryter mot reglerna")
    comment.refresh_from_db()
    assert comment.hidden_at and comment.hidden_reason == "Bryter mot reglerna"
    assert comment.reports.filter(resolved_at__isnull=True).count() == 0
    assert [m.to for m in mailoutbox] == [[member_a.email]]
    assert "Bryter mot reglerna" in mailoutbox[0].body
    services.comment_restore(comment=comment, actor=coord)
    comment.refresh_from_db()
    assert comment.hidden_at is None
    actions = list(AuditEntry.objects.filter(actor=coord).values_list("action", flat=True))
    assert "consultations.comment_hide" in actions and "consultations.comment_restore" in actions


# --- Responses ----------------------------------------------------------------------------------------


def _draft(consultation, org, user, **kwargs):
    response = services.response_for(consultation=consultation, organisation=org)
    question = consultation.questions.first()
    return services.response_save_draft(
        response=response,
        user=user,
        revision=kwargs.pop("revision", response.revision),
        text=kwargs.pop("text", "Vi tillstyrker förslaget."),
        answers=kwargs.pop("answers", {question.pk: "Barnperspektivet."}),
        **kwargs,
    )


def test_member_drafts_admin_submits_receipt_hash_and_email(
    consultation, org_a, member_a, admin_a, django_capture_on_commit_callbacks, mailoutbox
):
    response = _draft(consultation, org_a, member_a, new_files=[pdf_upload()])
    assert response.revision == 1 and response.attachments.count() == 1
    with pytest.raises(PermissionDenied):
        services.response_submit(response=response, user=member_a, revision=response.revision)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.response_submit(response=response, user=admin_a, revision=response.revision)
    assert version.number == 1 and version.receipt_number
    assert version.answers == [{"question": "Vad saknas?", "answer": "Barnperspektivet."}]
    assert len(version.sha256) == 64
    file = version.files.get()
    assert file.sha256 == hashlib.sha256(file.file.read()).hexdigest()
    assert admin_a.email in [m.to[0] for m in mailoutbox]
    receipt_mail = next(m for m in mailoutbox if m.to == [admin_a.email])
    assert version.receipt_number in receipt_mail.subject and version.sha256 in receipt_mail.body
    assert Notification.objects.filter(event="consultations.response_submitted", recipient=admin_a).exists()


def test_correction_is_a_new_version_and_old_stays(consultation, org_a, admin_a):
    response = _draft(consultation, org_a, admin_a)
    first = services.response_submit(response=response, user=admin_a, revision=response.revision)
    response.refresh_from_db()
    response = _draft(
        consultation, org_a, admin_a, text="Rättelse: vi tillstyrker delvis.", revision=response.revision
    )
    second = services.response_submit(response=response, user=admin_a, revision=response.revision)
    assert second.number == 2 and second.receipt_number != first.receipt_number
    first.refresh_from_db()
    assert first.text == "Vi tillstyrker förslaget." and first.sha256 != second.sha256
    assert ResponseVersion.objects.filter(response=response).count() == 2


def test_second_racing_submission_is_refused(consultation, org_a, admin_a):
    """Two admins confirmed the same draft (same revision): only the first submission succeeds."""
    response = _draft(consultation, org_a, admin_a)
    seen = response.revision
    services.response_submit(response=response, user=admin_a, revision=seen)
    with pytest.raises(services.ConflictError):
        services.response_submit(response=response, user=admin_a, revision=seen)
    assert ResponseVersion.objects.count() == 1


def test_submission_after_deadline_is_refused(consultation, org_a, admin_a):
    response = _draft(consultation, org_a, admin_a)
    close(consultation)
    with pytest.raises(ValidationError) as info:
        services.response_submit(response=response, user=admin_a, revision=response.revision)
    assert info.value.code == "closed"
    assert ResponseVersion.objects.count() == 0


def test_empty_response_cannot_be_submitted(consultation, org_a, admin_a):
    response = services.response_for(consultation=consultation, organisation=org_a)
    with pytest.raises(ValidationError):
        services.response_submit(response=response, user=admin_a, revision=0)


def test_concurrent_draft_edit_gets_conflict_and_nothing_overwritten(consultation, org_a, member_a, admin_a):
    response = services.response_for(consultation=consultation, organisation=org_a)
    loaded = response.revision
    services.response_save_draft(response=response, user=member_a, revision=loaded, text="Annas text")
    with pytest.raises(services.ConflictError) as info:
        services.response_save_draft(response=response, user=admin_a, revision=loaded, text="Amirs text")
    assert "Anna Medlem" in info.value.messages[0]
    response.refresh_from_db()
    assert response.text == "Annas text"


def test_other_organisation_cannot_edit_draft(consultation, org_a, member_b):
    response = services.response_for(consultation=consultation, organisation=org_a)
    with pytest.raises(PermissionDenied):
        services.response_save_draft(response=response, user=member_b, revision=0, text="Kapat")


@pytest.mark.parametrize(
    ("upload", "fragment"),
    [
        (lambda: exe_upload("program.pdf"), "inte ett PDF"),
        (lambda: pdf_upload("stor.pdf", size=10 * 1024 * 1024 + 1), "högst"),
        (lambda: pdf_upload("svar.docx"), "inte ett PDF"),
    ],
)
def test_bad_attachments_are_refused_and_draft_unchanged(consultation, org_a, member_a, upload, fragment):
    response = services.response_for(consultation=consultation, organisation=org_a)
    with pytest.raises(ValidationError) as info:
        services.response_save_draft(
            response=response, user=member_a, revision=0, text="Ny text", new_files=[pdf_upload(), upload()]
        )
    assert fragment in " ".join(info.value.messages)
    response.refresh_from_db()
    assert response.text == "" and response.revision == 0
    assert ResponseAttachment.objects.count() == 0


def test_docx_attachment_accepted_and_removable(consultation, org_a, member_a):
    response = services.response_for(consultation=consultation, organisation=org_a)
    services.response_save_draft(
        response=response, user=member_a, revision=0, text="", new_files=[docx_upload()]
    )
    attachment = response.attachments.get()
    assert attachment.content_type.endswith("wordprocessingml.document")
    services.response_save_draft(
        response=response, user=member_a, revision=1, text="", remove_attachment_ids=[attachment.pk]
    )
    assert response.attachments.count() == 0


def test_html_in_response_is_refused(consultation, org_a, member_a):
    response = services.response_for(consultation=consultation, organisation=org_a)
    with pytest.raises(ValidationError):
        services.response_save_draft(
            response=response, user=member_a, revision=0, text="<img src=x onerror=alert(1)>"
        )
    assert Response.objects.get(pk=response.pk).revision == 0


# --- Outcome ------------------------------------------------------------------------------------------


def test_outcome_only_after_closing_then_published_to_participants(
    consultation,
    org_a,
    org_b,
    member_a,
    admin_a,
    member_b,
    coord,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    comment = services.comment_create(
        author=member_b, consultation=consultation, organisation=org_b, text="Idé"
    )
    response = _draft(consultation, org_a, member_a)
    services.response_submit(response=response, user=admin_a, revision=response.revision)
    with pytest.raises(ValidationError):
        services.outcome_save(consultation=consultation, actor=coord, summary="För tidigt")
    close(consultation)
    with pytest.raises(ValidationError):
        services.outcome_publish(consultation=consultation, actor=coord)  # no summary yet
    section = consultation.sections.first()
    services.outcome_save(
        consultation=consultation,
        actor=coord,
        summary="Vi har ändrat aktiviteten.",
        section_texts={section.pk: "Vi lade till barnperspektivet."},
        marks={("comment", comment.pk): ("taken", "Bra idé."), ("response", response.pk): ("partly", "")},
    )
    assert InputMark.objects.count() == 2
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.outcome_publish(consultation=consultation, actor=coord)
    consultation.refresh_from_db()
    assert consultation.status == "concluded"
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([member_b.email, member_a.email, admin_a.email])
    with pytest.raises(ValidationError):
        services.outcome_publish(consultation=consultation, actor=coord)
    assert AuditEntry.objects.filter(action="consultations.outcome_publish").count() == 1


def test_outcome_refused_for_non_coordinator(consultation, admin_a):
    close(consultation)
    with pytest.raises(PermissionDenied):
        services.outcome_save(consultation=consultation, actor=admin_a, summary="x")


def test_comment_factory_builds(consultation):
    assert CommentFactory(consultation=consultation).version == 1
