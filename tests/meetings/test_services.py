import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings import services
from meetings.models import (
    ActionItem,
    AgendaItem,
    AgendaItemNote,
    Decision,
    Invitation,
    Meeting,
    Minutes,
)
from notifications.models import Notification
from portal.models import AuditEntry
from tests.factories import MeetingFactory, MembershipFactory
from tests.meetings.helpers import published_minutes, schedule

pytestmark = pytest.mark.django_db


def test_schedule_stores_agenda_invites_and_emails_members(
    coord, org, member, other_admin, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(coord, orgs=[org], invite_all=False)
    assert meeting.state == Meeting.State.PLANNED
    assert meeting.sequence == 0
    assert [i.title for i in meeting.agenda_items.order_by("sort_order")] == ["Inledning", "Handlingsplanen"]
    assert list(meeting.invitations.values_list("organisation", flat=True)) == [org.pk]
    assert AuditEntry.objects.filter(action="meetings.meeting_schedule", actor=coord).count() == 1
    # Only the invited organisation's member hears about it, in Swedish.
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "Inbjudan" in mailoutbox[0].subject
    assert Notification.objects.filter(recipient=other_admin).count() == 0


def test_invitation_email_in_recipients_language(
    coord, org, member, django_capture_on_commit_callbacks, mailoutbox
):
    member.preferred_language = "en"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        schedule(coord, orgs=[org], invite_all=False)
    assert mailoutbox[0].subject.endswith("Invitation: Möte om handlingsplanen")


def test_end_before_start_is_refused_and_nothing_stored(coord):
    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        schedule(coord, start=start, end=start - dt.timedelta(hours=1))
    assert "end" in exc.value.message_dict
    assert Meeting.objects.count() == 0
    assert AgendaItem.objects.count() == 0


def test_end_before_start_is_refused_by_the_database(db):
    start = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(title="x", start=start, end=start - dt.timedelta(minutes=1))


def test_only_coordinators_with_two_factor_schedule(member, db):
    from tests.factories import coordinator

    with pytest.raises(PermissionDenied):
        schedule(member)
    with pytest.raises(PermissionDenied):
        schedule(coordinator("utan-totp@example.org", totp=False))


def test_update_of_time_raises_sequence_and_tells_invited(
    coord, org, member, django_capture_on_commit_callbacks, mailoutbox
):
    meeting = schedule(coord, orgs=[org], invite_all=False)
    mailoutbox.clear()
    meeting.start += dt.timedelta(hours=1)
    meeting.end += dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(actor=coord, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert len(mailoutbox) == 1 and "Ändrat" in mailoutbox[0].subject
    # A change of description only: no new revision, no e-mail.
    meeting.description = "Ny text"
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(actor=coord, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert len(mailoutbox) == 1


def test_cancel_keeps_meeting_raises_sequence_and_emails(
    coord, meeting, member, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(actor=coord, meeting=meeting, reason="Lokalen är inte tillgänglig.")
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.CANCELLED
    assert meeting.sequence == 1
    assert "Inställt" in mailoutbox[0].subject
    assert AuditEntry.objects.filter(action="meetings.meeting_cancel").exists()
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=coord, meeting=meeting)


def test_rsvp_stores_attendees_and_needs(meeting, org, member, org_admin):
    invitation = services.rsvp_submit(
        user=member,
        meeting=meeting,
        organisation=org,
        answer="attending",
        attendees=[member, org_admin],
        needs="Teckenspråkstolk",
    )
    assert set(invitation.attendees.all()) == {member, org_admin}
    assert invitation.needs == "Teckenspråkstolk"
    # Answering again replaces the answer.
    invitation = services.rsvp_submit(user=member, meeting=meeting, organisation=org, answer="declined")
    assert invitation.answer == Invitation.Answer.DECLINED
    assert invitation.attendees.count() == 0 and invitation.needs == ""
    assert Invitation.objects.filter(meeting=meeting).count() == 1


def test_rsvp_after_deadline_is_refused(meeting, org, member):
    meeting.rsvp_deadline = timezone.now() - dt.timedelta(minutes=1)
    meeting.save()
    with pytest.raises(ValidationError, match="Tiden för att svara har gått ut"):
        services.rsvp_submit(
            user=member, meeting=meeting, organisation=org, answer="attending", attendees=[member]
        )
    assert not Invitation.objects.filter(meeting=meeting).exclude(answer="none").exists()


def test_rsvp_for_cancelled_meeting_is_refused(coord, meeting, org, member):
    services.meeting_cancel(actor=coord, meeting=meeting)
    with pytest.raises(ValidationError, match="inställt"):
        services.rsvp_submit(
            user=member, meeting=meeting, organisation=org, answer="attending", attendees=[member]
        )


def test_rsvp_by_uninvited_organisation_or_naming_outsiders_is_refused(
    meeting, org, member, other_org, other_admin
):
    with pytest.raises(PermissionDenied):
        services.rsvp_submit(
            user=other_admin,
            meeting=meeting,
            organisation=other_org,
            answer="attending",
            attendees=[other_admin],
        )
    with pytest.raises(ValidationError, match="Bara organisationens medlemmar"):
        services.rsvp_submit(
            user=member, meeting=meeting, organisation=org, answer="attending", attendees=[other_admin]
        )


def test_invite_all_creates_the_invitation_on_first_answer(coord, org, member):
    meeting = schedule(coord)
    assert meeting.invitations.count() == 0
    services.rsvp_submit(
        user=member, meeting=meeting, organisation=org, answer="attending", attendees=[member]
    )
    assert meeting.invitations.get().organisation == org


def test_minutes_workflow_review_approve_publish(
    coord, meeting, org, member, org_admin, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        minutes = published_minutes(coord, meeting, org=org)
    subjects = [m.subject for m in mailoutbox]
    assert any("Protokoll att granska" in s for s in subjects)
    assert any("Protokoll publicerat" in s for s in subjects)
    # The responsible organisation's admin hears about the action item.
    assigned = [m for m in mailoutbox if "Åtgärd" in m.subject]
    assert [m.to for m in assigned] == [[org_admin.email]]
    assert minutes.state == Minutes.State.PUBLISHED
    assert minutes.approved_by == coord and minutes.approved_at
    assert len(minutes.sha256) == 64 and minutes.sha256 == services.minutes_fingerprint(minutes)
    actions = set(AuditEntry.objects.filter(actor=coord).values_list("action", flat=True))
    assert {
        "meetings.minutes_send_for_review",
        "meetings.minutes_approve",
        "meetings.minutes_publish",
    } <= actions


def test_approved_minutes_are_immutable_corrections_are_appended(coord, meeting, org):
    minutes = published_minutes(coord, meeting, org=org)
    item = meeting.agenda_items.first()
    note_before = AgendaItemNote.objects.get(minutes=minutes, agenda_item=item).text
    with pytest.raises(ValidationError, match="Ett godkänt protokoll kan inte ändras"):
        services.minutes_update(
            actor=coord, minutes=minutes, introduction="Ändrat", notes={item.pk: "x"}, decisions={}
        )
    with pytest.raises(ValidationError):
        services.action_item_create(actor=coord, minutes=minutes, description="Ny", responsible_unit="SLK")
    with pytest.raises(ValidationError):
        services.action_item_delete(actor=coord, item=minutes.action_items.first())
    with pytest.raises(ValidationError):
        Decision(minutes=minutes, agenda_item=item, text="Smygändring").full_clean()
    minutes.refresh_from_db()
    assert minutes.introduction == "Mötet öppnades kl. 16."
    assert AgendaItemNote.objects.get(minutes=minutes, agenda_item=item).text == note_before
    assert services.minutes_fingerprint(minutes) == minutes.sha256
    correction = services.minutes_add_correction(actor=coord, minutes=minutes, text="Punkt 2: fel datum.")
    assert list(minutes.corrections.all()) == [correction]
    assert services.minutes_fingerprint(minutes) == minutes.sha256


def test_minutes_steps_out_of_order_are_refused(coord, meeting):
    services.meeting_mark_held(actor=coord, meeting=meeting)
    minutes = services.minutes_start(actor=coord, meeting=meeting)
    with pytest.raises(ValidationError):
        services.minutes_approve(actor=coord, minutes=minutes)
    with pytest.raises(ValidationError):
        services.minutes_publish(actor=coord, minutes=minutes, audience="public")
    with pytest.raises(ValidationError):
        services.minutes_add_correction(actor=coord, minutes=minutes, text="x")
    with pytest.raises(ValidationError):
        services.minutes_send_for_review(actor=coord, minutes=minutes, days=0)
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.DRAFT


def test_minutes_need_a_held_meeting(coord, meeting):
    with pytest.raises(ValidationError):
        services.minutes_start(actor=coord, meeting=meeting)


def test_review_comments_only_by_attendees_and_within_deadline(
    coord, meeting, org, member, no_org, other_admin
):
    services.meeting_mark_held(actor=coord, meeting=meeting)
    services.attendance_record(actor=coord, meeting=meeting, organisations=[org])
    minutes = services.minutes_start(actor=coord, meeting=meeting)
    with pytest.raises(ValidationError):
        services.minutes_comment_add(user=member, minutes=minutes, text="För tidigt")
    services.minutes_send_for_review(actor=coord, minutes=minutes, days=3)
    comment = services.minutes_comment_add(user=member, minutes=minutes, text="Punkt 1 saknar beslutet.")
    assert comment.organisation == org
    for outsider in (no_org, other_admin):
        with pytest.raises(PermissionDenied):
            services.minutes_comment_add(user=outsider, minutes=minutes, text="x")
    with pytest.raises(ValidationError, match="Granskningstiden är slut"):
        services.minutes_comment_add(
            user=member, minutes=minutes, text="Sent", now=timezone.now() + dt.timedelta(days=4)
        )


def test_action_item_needs_someone_responsible(coord, meeting):
    services.meeting_mark_held(actor=coord, meeting=meeting)
    minutes = services.minutes_start(actor=coord, meeting=meeting)
    with pytest.raises(ValidationError):
        services.action_item_create(actor=coord, minutes=minutes, description="Ingen ansvarig")
    assert ActionItem.objects.count() == 0


def test_action_item_status_by_responsible_admin_only(coord, meeting, org, org_admin, member, other_admin):
    minutes = published_minutes(coord, meeting, org=org)
    item = minutes.action_items.get()
    for user in (member, other_admin):
        with pytest.raises(PermissionDenied):
            services.action_item_update_status(user=user, item=item, status="done", comment="klart")
    update = services.action_item_update_status(
        user=org_admin, item=item, status="done", comment="Skickat 3/4."
    )
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE
    assert update.comment == "Skickat 3/4." and update.author == org_admin
    with pytest.raises(ValidationError):
        services.action_item_update_status(user=org_admin, item=item, status="done", comment="")


def test_overdue_action_items_notified_once(
    coord, meeting, org, org_admin, django_capture_on_commit_callbacks, mailoutbox
):
    minutes = published_minutes(coord, meeting, org=org)
    item = minutes.action_items.get()
    ActionItem.objects.filter(pk=item.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.action_items_notify_overdue() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.action_items_notify_overdue()
    assert [m.to for m in mailoutbox] == [[org_admin.email]]
    assert "Försenad" in mailoutbox[0].subject


def test_reminder_sent_once_before_the_meeting(
    coord, org, member, django_capture_on_commit_callbacks, mailoutbox
):
    start = timezone.now() + dt.timedelta(hours=20)
    meeting = schedule(coord, orgs=[org], invite_all=False, start=start, end=start + dt.timedelta(hours=1))
    services.rsvp_submit(
        user=member, meeting=meeting, organisation=org, answer="attending", attendees=[member]
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meetings_send_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.meetings_send_reminders()
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "Påminnelse" in mailoutbox[0].subject


def test_calendar_token_create_and_revoke(member):
    first = services.calendar_token_create(user=member)
    second = services.calendar_token_create(user=member)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert services.calendar_token_revoke(user=member) == 1
    assert services.calendar_token_revoke(user=member) == 0


def test_attendance_replaced_and_audited(coord, meeting, org, member):
    services.attendance_record(
        actor=coord, meeting=meeting, organisations=[org], people=[member], names=["Gäst"]
    )
    services.attendance_record(actor=coord, meeting=meeting, people=[member])
    assert list(meeting.attendances.values_list("user", flat=True)) == [member.pk]
    assert AuditEntry.objects.filter(action="meetings.attendance_record").count() == 2


def test_membership_ended_loses_access(coord, meeting, org):
    membership = MembershipFactory(organisation=org)
    from meetings import permissions

    assert permissions.is_participant(membership.user, meeting)
    membership.ended = timezone.now()
    membership.save()
    permissions.forget(membership.user)
    assert not permissions.is_participant(membership.user, meeting)


def test_meeting_factory_is_valid(db):
    MeetingFactory().full_clean()
