"""Who hears about what, one function per event. Each schedules an e-mail task after commit; the
Notifications app can later route these events to the inbox and to people's preferences instead."""

from . import tasks


def application_received(organisation) -> None:
    """A new application: the coordinators are told."""
    tasks.send_application_received.delay_on_commit(organisation.pk)


def organisation_approved(organisation) -> None:
    """The applicant (the organisation's admins) hears that the city approved it."""
    tasks.send_organisation_approved.delay_on_commit(organisation.pk)


def organisation_rejected(organisation) -> None:
    """The applicant hears that the city rejected it, and why."""
    tasks.send_organisation_rejected.delay_on_commit(organisation.pk)


def invitation_sent(invitation) -> None:
    """The invited address receives the link."""
    tasks.send_invitation_sent.delay_on_commit(invitation.pk)


def join_request_received(join_request) -> None:
    """The organisation's admins hear that someone asks to join."""
    tasks.send_join_request_received.delay_on_commit(join_request.pk)


def join_request_decided(join_request) -> None:
    """The person who asked hears the answer."""
    tasks.send_join_request_decided.delay_on_commit(join_request.pk)
