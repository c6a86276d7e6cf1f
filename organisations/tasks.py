"""E-mail tasks, one per event. They take ids and re-read the rows, so what is sent reflects what is
stored when the worker runs; a row that has gone sends nothing. Sending twice would send two e-mails:
acks_late stays off until the Notifications app records deliveries."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from .emails import absolute_url, recipient_language, send_event_email
from .models import Invitation, JoinRequest, Membership, Organisation

RETRY = {"autoretry_for": (ConnectionError, TimeoutError, OSError), "retry_backoff": True, "max_retries": 5}


def _admins(organisation):
    return [
        m.user
        for m in Membership.objects.active().admins().filter(organisation=organisation).select_related("user")
        if m.user.is_active
    ]


def _coordinators():
    User = get_user_model()
    return list(User.objects.filter(is_active=True, groups__name=settings.COORDINATORS_GROUP).distinct())


@shared_task(name="organisations.send_application_received", **RETRY)
def send_application_received(organisation_id: int) -> int:
    """Tell every coordinator (or the configured coordinator addresses when there are none) about a new
    application."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    applicant = (
        Membership.objects.filter(organisation=organisation, is_primary_contact=True)
        .select_related("user")
        .first()
    )
    recipients = [(u.email, recipient_language(u)) for u in _coordinators()]
    if not recipients:
        recipients = [(email, settings.LANGUAGE_CODE) for email in settings.COORDINATOR_EMAILS]
    for email, language in recipients:
        send_event_email(
            event="application_received",
            to=email,
            language=language,
            context={
                "organisation": organisation,
                "applicant": applicant.user if applicant else None,
                "url": absolute_url("organisations:application", language, slug=organisation.slug),
            },
        )
    return len(recipients)


def _send_to_admins(event: str, organisation: Organisation, **extra) -> int:
    admins = _admins(organisation)
    for user in admins:
        language = recipient_language(user)
        send_event_email(
            event=event,
            to=user.email,
            language=language,
            context={
                "organisation": organisation,
                "recipient": user,
                "url": absolute_url("organisations:mine", language),
                **extra,
            },
        )
    return len(admins)


@shared_task(name="organisations.send_organisation_approved", **RETRY)
def send_organisation_approved(organisation_id: int) -> int:
    """Tell the organisation's admins that the city approved it."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return _send_to_admins("organisation_approved", organisation)


@shared_task(name="organisations.send_organisation_rejected", **RETRY)
def send_organisation_rejected(organisation_id: int) -> int:
    """Tell the organisation's admins that the city rejected the application, with the reason."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    change = organisation.status_changes.filter(to_status=Organisation.Status.REJECTED).first()
    return _send_to_admins("organisation_rejected", organisation, reason=change.reason if change else "")


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


@shared_task(name="organisations.send_join_request_received", **RETRY)
def send_join_request_received(join_request_id: int) -> int:
    """Tell the organisation's admins that someone asks to join."""
    join_request = (
        JoinRequest.objects.filter(pk=join_request_id).select_related("organisation", "user").first()
    )
    if join_request is None or join_request.status != JoinRequest.Status.PENDING:
        return 0
    organisation = join_request.organisation
    admins = _admins(organisation)
    for user in admins:
        language = recipient_language(user)
        send_event_email(
            event="join_request_received",
            to=user.email,
            language=language,
            context={
                "organisation": organisation,
                "join_request": join_request,
                "requester": join_request.user,
                "url": absolute_url(
                    "organisations:join_request", language, slug=organisation.slug, pk=join_request.pk
                ),
            },
        )
    return len(admins)


@shared_task(name="organisations.send_join_request_decided", **RETRY)
def send_join_request_decided(join_request_id: int) -> int:
    """Tell the person who asked to join whether they were let in."""
    join_request = (
        JoinRequest.objects.filter(pk=join_request_id).select_related("organisation", "user").first()
    )
    if join_request is None or join_request.status == JoinRequest.Status.PENDING:
        return 0
    user = join_request.user
    language = recipient_language(user)
    send_event_email(
        event="join_request_decided",
        to=user.email,
        language=language,
        context={
            "organisation": join_request.organisation,
            "join_request": join_request,
            "accepted": join_request.status == JoinRequest.Status.ACCEPTED,
            "recipient": user,
            "url": absolute_url("organisations:mine", language),
        },
    )
    return 1
