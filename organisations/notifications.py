"""Who hears about what in organisations: the event types registered with the notifications app (inbox,
preferences, e-mail through Celery after commit in each recipient's language), and one function per event
that the services call inside their transaction.

Two messages go to plain addresses rather than to users (`notifications.registry.AddressEmail`): the
invitation (the address may have no account yet) and the application notice while no coordinator has an
account (it then goes to the configured coordinator addresses). They leave through the notifications app
like every other e-mail: a delivery with a unique key, the suppression list, the claim and the retries.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications.registry import (
    AddressEmail,
    EventType,
    OrganisationDirectory,
    OrganisationInfo,
    is_registered,
    register,
    register_address_email,
    register_organisation_directory,
)
from notifications.services import address_email_send, notify

from .models import Invitation, JoinRequest, Membership, Organisation

APPLICATION_RECEIVED = "organisations.application_received"
# The same message to the configured coordinator addresses (see `application_received`).
APPLICATION_RECEIVED_BY_ADDRESS = "organisations.application_received_by_address"
INVITATION_SENT = "organisations.invitation_sent"
ORGANISATION_APPROVED = "organisations.organisation_approved"
ORGANISATION_REJECTED = "organisations.organisation_rejected"
JOIN_REQUEST_RECEIVED = "organisations.join_request_received"
JOIN_REQUEST_DECIDED = "organisations.join_request_decided"


def _users():
    return get_user_model().objects.filter(is_active=True)


def coordinators(_obj=None, _context=None):
    return _users().filter(groups__name=settings.COORDINATORS_GROUP).distinct()


def organisation_admins(organisation, _context=None):
    """The organisation's active admins: they answer for the application and for who may join."""
    admins = Membership.objects.active().admins().filter(organisation=organisation).values("user_id")
    return _users().filter(pk__in=admins)


def _is_coordinator(user) -> bool:
    return bool(getattr(user, "is_coordinator", False))


def _is_organisation_admin(user) -> bool:
    return Membership.objects.active().admins().filter(user=user).exists()


EVENT_TYPES = [
    EventType(
        key=APPLICATION_RECEIVED,
        verbose_name=_("A new organisation applies"),
        description=_("For coordinators: an organisation asks to join the reference group."),
        recipients=coordinators,
        link=lambda organisation: reverse("organisations:application", kwargs={"slug": organisation.slug}),
        can_receive=_is_coordinator,
    ),
    EventType(
        key=ORGANISATION_APPROVED,
        verbose_name=_("My organisation is approved"),
        description=_("When the city approves your organisation's application. Always sent."),
        recipients=organisation_admins,
        link=lambda organisation: reverse("organisations:mine"),
        mandatory=True,
        organisation_level=True,
        organisations=lambda organisation, context: [organisation.pk],
    ),
    EventType(
        key=ORGANISATION_REJECTED,
        verbose_name=_("My organisation's application is not approved"),
        description=_(
            "When the city does not approve your organisation's application, and why. Always sent."
        ),
        recipients=organisation_admins,
        link=lambda organisation: reverse("organisations:mine"),
        mandatory=True,
        organisation_level=True,
        organisations=lambda organisation, context: [organisation.pk],
    ),
    EventType(
        key=JOIN_REQUEST_RECEIVED,
        verbose_name=_("Someone asks to join my organisation"),
        description=_("For organisation admins: a request to become a member."),
        recipients=lambda join_request, context: organisation_admins(join_request.organisation),
        can_receive=_is_organisation_admin,
        link=lambda join_request: reverse(
            "organisations:join_request",
            kwargs={"slug": join_request.organisation.slug, "pk": join_request.pk},
        ),
    ),
    EventType(
        key=JOIN_REQUEST_DECIDED,
        verbose_name=_("The answer to my request to join"),
        description=_("When an organisation accepts or declines your request to join it."),
        recipients=lambda join_request, context: _users().filter(pk=join_request.user_id),
        link=lambda join_request: reverse("organisations:mine"),
    ),
]

for _event_type in EVENT_TYPES:
    if not is_registered(_event_type.key):
        register(_event_type)


def _organisation_info(ids) -> dict[int, OrganisationInfo]:
    """For the notifications app: name and contact address (the public e-mail) of organisations."""
    return {
        organisation.pk: OrganisationInfo(
            name=organisation.name,
            contact_email=organisation.public_email,
            edit_url=reverse("organisations:settings", kwargs={"slug": organisation.slug}),
        )
        for organisation in Organisation.objects.filter(pk__in=list(ids)).only(
            "pk", "name", "slug", "public_email"
        )
    }


def _administered(user) -> list[tuple[int, str]]:
    """For the notifications app: the organisations `user` is an active admin of."""
    return list(
        Membership.objects.active()
        .admins()
        .filter(user=user)
        .exclude(organisation__status__in=Organisation.INACTIVE_STATUSES)
        .order_by("organisation__name")
        .values_list("organisation_id", "organisation__name")
    )


# Lets the notifications app send organisation-level messages to organisations' contact addresses and
# ask who administers an organisation, without importing this app's models.
register_organisation_directory(OrganisationDirectory(info=_organisation_info, administered=_administered))


def _recipient_language(user=None) -> str:
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _absolute_url(name: str, language: str, **kwargs) -> str:
    """A full link to a view in the given interface language (Swedish at the root, English under /en/)."""
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def _applicant(organisation):
    return (
        Membership.objects.filter(organisation=organisation, is_primary_contact=True)
        .select_related("user")
        .first()
    )


def _application_context(organisation, language: str) -> dict:
    """The application notice to a configured coordinator address, as stored when it is sent."""
    applicant = _applicant(organisation)
    return {
        "object": organisation,
        "actor": applicant.user if applicant else None,
        "url": _absolute_url("organisations:application", language, slug=organisation.slug),
    }


def _invitation_context(invitation, language: str) -> dict | None:
    """The invitation link; nothing is sent when the invitation was withdrawn (or has expired) before
    the e-mail left."""
    if not invitation.is_open:
        return None
    return {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "inviter": invitation.invited_by,
        "url": _absolute_url("organisations:invitation", language, token=invitation.get_token()),
    }


register_address_email(
    AddressEmail(
        key=APPLICATION_RECEIVED_BY_ADDRESS,
        context=_application_context,
        template_prefix="organisations/email/application_received",
    )
)
register_address_email(AddressEmail(key=INVITATION_SENT, context=_invitation_context))


def application_received(organisation) -> None:
    """A new application: the coordinators are told (the configured addresses, in the site's language,
    when none has an account); once per application."""
    change = _latest_change(organisation, organisation.Status.PENDING)
    dedupe_key = f"change-{change.pk if change else ''}"
    if not coordinators().exists():
        address_email_send(
            APPLICATION_RECEIVED_BY_ADDRESS,
            organisation,
            addresses=settings.COORDINATOR_EMAILS,
            language=settings.LANGUAGE_CODE,
            dedupe_key=dedupe_key,
        )
        return
    applicant = _applicant(organisation)
    notify(
        APPLICATION_RECEIVED,
        organisation,
        actor=applicant.user if applicant else None,
        dedupe_key=dedupe_key,
    )


def _latest_change(organisation, status):
    return organisation.status_changes.filter(to_status=status).first()


def organisation_approved(organisation, *, actor=None) -> None:
    """The applicant (the organisation's admins) hears that the city approved it, with the coordinator's
    note if they wrote one; once per decision."""
    change = _latest_change(organisation, organisation.Status.APPROVED)
    notify(
        ORGANISATION_APPROVED,
        organisation,
        actor=actor,
        context={"note": change.reason if change else ""},
        dedupe_key=f"change-{change.pk if change else ''}",
    )


def organisation_rejected(organisation, *, actor=None) -> None:
    """The applicant hears that the city rejected it, and why; once per decision."""
    change = _latest_change(organisation, organisation.Status.REJECTED)
    notify(
        ORGANISATION_REJECTED,
        organisation,
        actor=actor,
        context={"reason": change.reason if change else ""},
        dedupe_key=f"change-{change.pk if change else ''}",
    )


def invitation_sent(invitation: Invitation) -> None:
    """The invited address receives the link (an e-mail to a plain address: it may have no account), in
    that person's language when they already have an account."""
    invitee = get_user_model().objects.filter(email__iexact=invitation.email).first()
    address_email_send(
        INVITATION_SENT, invitation, addresses=[invitation.email], language=_recipient_language(invitee)
    )


def join_request_received(join_request) -> None:
    """The organisation's admins hear that someone asks to join."""
    notify(JOIN_REQUEST_RECEIVED, join_request, actor=join_request.user)


def join_request_decided(join_request) -> None:
    """The person who asked hears the answer."""
    notify(
        JOIN_REQUEST_DECIDED,
        join_request,
        actor=join_request.decided_by,
        context={"accepted": join_request.status == JoinRequest.Status.ACCEPTED},
    )
