"""The e-mails to plain addresses (the invitation, the application notice to the configured coordinator
addresses) leave through the notifications app like every other e-mail: a stored delivery with a unique
key, the suppression list and the retries."""

from unittest import mock

import pytest

from notifications import services as notification_services
from notifications.models import Delivery, Suppression
from organisations import services
from organisations.models import Invitation
from organisations.notifications import INVITATION_SENT

pytestmark = pytest.mark.django_db


def _invite(org_admin, organisation, callbacks, email="ny@example.org"):
    with callbacks(execute=True):
        return services.invitation_create(actor=org_admin, organisation=organisation, email=email)


def test_the_invitation_is_a_delivery_sent_once(
    org_admin, organisation, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = _invite(org_admin, organisation, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.event, delivery.address, delivery.recipient, delivery.status) == (
        INVITATION_SENT,
        "ny@example.org",
        None,
        Delivery.Status.SENT,
    )
    assert delivery.target == invitation
    assert [m.to for m in mailoutbox] == [["ny@example.org"]]
    assert "List-Unsubscribe" not in mailoutbox[0].extra_headers
    # The same e-mail about the same invitation is written and sent once.
    with django_capture_on_commit_callbacks(execute=True):
        queued = notification_services.address_email_send(
            INVITATION_SENT, invitation, addresses=["ny@example.org"], language="sv"
        )
    assert queued == 0
    assert notification_services.delivery_send(delivery_id=delivery.pk).status == "not-pending"
    assert len(mailoutbox) == 1 and Delivery.objects.count() == 1


def test_no_invitation_goes_to_a_suppressed_address(
    org_admin, organisation, django_capture_on_commit_callbacks, mailoutbox
):
    Suppression.objects.create(email="ny@example.org", reason="bounce")
    _invite(org_admin, organisation, django_capture_on_commit_callbacks, email="NY@example.org")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_error) == (Delivery.Status.SKIPPED, "address suppressed")
    assert mailoutbox == []


def test_an_invitation_withdrawn_before_the_worker_runs_sends_nothing(
    org_admin, organisation, django_capture_on_commit_callbacks, mailoutbox
):
    # Committed, but not yet handed to a worker.
    with django_capture_on_commit_callbacks(execute=False):
        invitation = services.invitation_create(
            actor=org_admin, organisation=organisation, email="ny@example.org"
        )
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.REVOKED)
    delivery = Delivery.objects.get()
    assert notification_services.delivery_send(delivery_id=delivery.pk).status == "skipped"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SKIPPED
    assert mailoutbox == []


def test_a_mail_server_failure_is_retried_like_any_delivery(
    settings, org_admin, organisation, django_capture_on_commit_callbacks, mailoutbox
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError("down")
    ):
        _invite(org_admin, organisation, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    assert "down" in delivery.last_error
    assert notification_services.delivery_send(delivery_id=delivery.pk).status == "sent"
    assert [m.to for m in mailoutbox] == [["ny@example.org"]]
    assert mailoutbox[0].subject.startswith("Du är inbjuden")
