"""Organisation events go through the notifications app: an inbox row for each recipient, e-mail that
obeys preferences (except the mandatory decision on an application), nothing twice."""

import pytest
from django.core.exceptions import ValidationError

from notifications import services as notification_services
from notifications.models import Delivery, Notification
from organisations import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _register(user):
    return services.organisation_register(user=user, name="Föreningen Gemenskap", kind="annan")


def test_application_and_decision_reach_the_inbox(
    coordinator_user, django_capture_on_commit_callbacks, mailoutbox
):
    applicant = UserFactory(email="anna@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        organisation = _register(applicant)
    assert Notification.objects.filter(
        event="organisations.application_received", recipient=coordinator_user, object_id=str(organisation.pk)
    ).exists()
    assert not Notification.objects.filter(
        event="organisations.application_received", recipient=applicant
    ).exists()

    # The applicant turns off what can be turned off; the decision is mandatory and still arrives.
    with pytest.raises(ValidationError):
        notification_services.preference_set(
            user=applicant, event="organisations.organisation_approved", frequency="off"
        )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_approve(actor=coordinator_user, organisation=organisation)
    assert [m.to for m in mailoutbox] == [["anna@example.org"]]
    assert "List-Unsubscribe" not in mailoutbox[0].extra_headers
    notification = Notification.objects.get(event="organisations.organisation_approved")
    assert notification.recipient == applicant and notification.actor == coordinator_user


def test_join_request_events_obey_preferences(
    org_admin, organisation, outsider, django_capture_on_commit_callbacks, mailoutbox
):
    notification_services.preference_set(
        user=org_admin, event="organisations.join_request_received", frequency="off"
    )
    with django_capture_on_commit_callbacks(execute=True):
        join_request = services.join_request_create(user=outsider, organisation=organisation)
    # Turned off: in the inbox, but no e-mail.
    assert mailoutbox == []
    assert Notification.objects.filter(
        event="organisations.join_request_received", recipient=org_admin
    ).exists()
    assert not Delivery.objects.filter(event="organisations.join_request_received").exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_decline(actor=org_admin, join_request=join_request)
    assert [m.to for m in mailoutbox] == [["outsider@example.org"]]
    assert mailoutbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notification = Notification.objects.get(event="organisations.join_request_decided")
    assert notification.recipient == outsider and notification.context == {"accepted": False}


def test_application_goes_to_the_configured_addresses_when_no_coordinator_has_an_account(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.COORDINATOR_EMAILS = ["samordning@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        _register(UserFactory(email="anna@example.org", display_name="Anna Andersson"))
    assert [m.to for m in mailoutbox] == [["samordning@example.org"]]
    assert "Föreningen Gemenskap" in mailoutbox[0].subject
    assert "Anna Andersson" in mailoutbox[0].body
    assert not Notification.objects.exists()


def test_approval_email_quotes_the_coordinators_note(
    coordinator_user, django_capture_on_commit_callbacks, mailoutbox
):
    """Issue 19, defect 7: the note written when approving reaches the applicant, in both parts."""
    applicant = UserFactory(email="note@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        organisation = _register(applicant)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_approve(
            actor=coordinator_user, organisation=organisation, message="Välkomna! Första mötet är 3 mars."
        )
    (mail,) = mailoutbox
    assert "Samordnarens meddelande:" in mail.body
    assert "Välkomna! Första mötet är 3 mars." in mail.body
    html = mail.alternatives[0][0]
    assert "Välkomna! Första mötet är 3 mars." in html
