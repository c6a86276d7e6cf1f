"""E-mail tasks for the messages that cannot go through the notifications app: the invitation (sent to
an address that may have no account) and the application notice while no coordinator has an account.
They take ids and re-read the rows, so what is sent reflects what is stored when the worker runs; a row
that has gone sends nothing. The other organisation events go through `notifications.services.notify`."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from .emails import absolute_url, recipient_language, send_event_email
from .models import Invitation, Membership, Organisation

RETRY = {"autoretry_for": (ConnectionError, TimeoutError, OSError), "retry_backoff": True, "max_retries": 5}


@shared_task(name="organisations.send_application_received", **RETRY)
def send_application_received(organisation_id: int) -> int:
    """Tell the configured coordinator addresses about a new application. Used only while no coordinator
    has an account; coordinators with accounts hear through the notifications app."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    applicant = (
        Membership.objects.filter(organisation=organisation, is_primary_contact=True)
        .select_related("user")
        .first()
    )
    language = settings.LANGUAGE_CODE
    for email in settings.COORDINATOR_EMAILS:
        send_event_email(
            event="application_received",
            to=email,
            language=language,
            context={
                "object": organisation,
                "actor": applicant.user if applicant else None,
                "url": absolute_url("organisations:application", language, slug=organisation.slug),
            },
        )
    return len(settings.COORDINATOR_EMAILS)


@shared_task(name="organisations.send_invitation_sent", **RETRY)
def send_invitation_sent(invitation_id: int) -> int:
    """Send the invitation link to the invited address, in that person's language when they already
    have an account. Nothing is sent when the invitation was withdrawn before the worker ran."""
    invitation = (
        Invitation.objects.filter(pk=invitation_id).select_related("organisation", "invited_by").first()
    )
    if invitation is None or not invitation.is_open:
        return 0
    invitee = get_user_model().objects.filter(email__iexact=invitation.email).first()
    language = recipient_language(invitee)
    send_event_email(
        event="invitation_sent",
        to=invitation.email,
        language=language,
        context={
            "invitation": invitation,
            "organisation": invitation.organisation,
            "inviter": invitation.invited_by,
            "url": absolute_url("organisations:invitation", language, token=invitation.get_token()),
        },
    )
    return 1
