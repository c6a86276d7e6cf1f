"""Reminders on Celery beat: before a consultation closes, to organisations that have not responded, and
to coordinators when an outcome is overdue. Time is passed in as `now`, so nothing depends on the clock."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from consultations import services, tasks
from consultations.models import Consultation
from notifications.models import Notification
from tests.consultations.conftest import close
from tests.factories import ConsultationFactory, MembershipFactory, UserFactory, coordinator

pytestmark = pytest.mark.django_db

CLOSING = "consultations.closing_soon"
OUTCOME = "consultations.outcome_reminder"


def _swedish_date(value) -> str:
    with translation.override("sv"):
        return formats.date_format(timezone.localtime(value), "j F Y")


def _recipients(mailoutbox) -> list[str]:
    return sorted(m.to[0] for m in mailoutbox)


def _submit_response(consultation, organisation, admin):
    response = services.response_for(consultation=consultation, organisation=organisation)
    response = services.response_save_draft(
        response=response, user=admin, revision=response.revision, text="Vi tillstyrker förslaget."
    )
    return services.response_submit(response=response, user=admin, revision=response.revision)


@pytest.fixture
def both(org_a, org_b):
    """A person in both organisations: one has responded, the other not, so she is still reminded."""
    user = UserFactory(display_name="Bodil Båda")
    MembershipFactory(organisation=org_a, user=user, role="member")
    MembershipFactory(organisation=org_b, user=user, role="member")
    return user


def test_closing_reminders_7_and_2_days_only_to_organisations_without_a_response(
    org_a,
    org_b,
    member_a,
    admin_a,
    member_b,
    admin_b,
    both,
    outsider,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    consultation = ConsultationFactory(
        opens_at=now - dt.timedelta(days=10), closes_at=now + dt.timedelta(days=6), opened_notified_at=now
    )
    _submit_response(consultation, org_a, admin_a)
    mailoutbox.clear()
    expected = sorted([member_b.email, admin_b.email, both.email])

    with django_capture_on_commit_callbacks(execute=True):
        assert services.consultation_closing_reminders_send(now=now) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.consultation_closing_reminders_send(now=now + dt.timedelta(hours=1)) == 0
    assert _recipients(mailoutbox) == expected
    assert all(_swedish_date(consultation.closes_at) in m.subject for m in mailoutbox)
    assert not Notification.objects.filter(
        event=CLOSING, recipient__in=[member_a, admin_a, outsider]
    ).exists()

    mailoutbox.clear()
    two_days_before = consultation.closes_at - dt.timedelta(days=1, hours=12)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.consultations_announce(now=two_days_before) == (0, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.consultations_announce(now=two_days_before + dt.timedelta(minutes=15)) == (0, 0)
    assert _recipients(mailoutbox) == expected
    assert Notification.objects.filter(event=CLOSING, recipient=member_b).count() == 2
    consultation.refresh_from_db()
    assert consultation.closing_notified_at == two_days_before


def test_closing_reminder_only_to_chosen_organisations(
    org_a, org_b, member_a, member_b, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    consultation = ConsultationFactory(
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=1),
        audience="chosen",
        opened_notified_at=now,
    )
    consultation.invited_organisations.set([org_a])
    consultation.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.announce() == (0, 1)
    assert _recipients(mailoutbox) == [member_a.email]


def test_no_7_day_reminder_when_the_consultation_opened_inside_that_week(
    member_a, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    consultation = ConsultationFactory(
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=5)
    )
    assert services.consultation_closing_reminders_send(now=now) == 0
    assert not Notification.objects.filter(event=CLOSING).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.consultation_closing_reminders_send(now=consultation.closes_at - dt.timedelta(days=1))
            == 1
        )
    assert _recipients(mailoutbox) == [member_a.email]


def test_a_moved_deadline_is_reminded_again(member_a, django_capture_on_commit_callbacks):
    now = timezone.now()
    consultation = ConsultationFactory(
        opens_at=now - dt.timedelta(days=10), closes_at=now + dt.timedelta(days=1)
    )
    assert services.consultation_closing_reminders_send(now=now) == 1
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=now + dt.timedelta(days=1, hours=6))
    assert services.consultation_closing_reminders_send(now=now) == 1
    assert services.consultation_closing_reminders_send(now=now) == 0
    assert Notification.objects.filter(event=CLOSING, recipient=member_a).count() == 2


def test_outcome_reminder_to_the_responsible_coordinator_14_days_after_closing_once(
    coord, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    other_coordinator = coordinator("annan@example.org")
    due = close(ConsultationFactory(coordinator=coord))
    recent = close(ConsultationFactory(coordinator=coord))
    concluded = close(ConsultationFactory(coordinator=coord))
    Consultation.objects.filter(pk=concluded.pk).update(concluded_at=timezone.now())
    later = timezone.now() + dt.timedelta(days=14, hours=1)
    Consultation.objects.filter(pk=recent.pk).update(closes_at=later - dt.timedelta(days=10))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.consultation_outcome_reminders_send(now=later) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.consultation_outcome_reminders_send(now=later + dt.timedelta(days=1)) == 0
    assert _recipients(mailoutbox) == [coord.email]
    assert due.title in mailoutbox[0].subject
    assert _swedish_date(due.closes_at) in mailoutbox[0].subject
    assert not Notification.objects.filter(
        event=OUTCOME, recipient__in=[member_a, other_coordinator]
    ).exists()


def test_outcome_reminder_to_every_coordinator_when_nobody_is_named(
    coord, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    other_coordinator = coordinator("annan@example.org")
    consultation = close(ConsultationFactory(coordinator=None))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_outcome_reminders() == 0  # closed a minute ago
        assert services.consultation_outcome_reminders_send(now=timezone.now() + dt.timedelta(days=15)) == 1
    assert set(Notification.objects.filter(event=OUTCOME).values_list("recipient", flat=True)) == {
        coord.pk,
        other_coordinator.pk,
    }
    assert len(mailoutbox) == 2
    outcome_page = reverse("consultations:outcome", kwargs={"slug": consultation.slug})
    assert all(outcome_page in m.body for m in mailoutbox)
