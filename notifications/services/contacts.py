"""Copies of organisation-level messages to organisations' contact addresses: who gets one, what
stands in for the recipient, and the organisation's own switch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from notifications import registry
from notifications.models import Delivery, OrganisationContact, Outbox
from notifications.registry import EventType, Frequency

from .common import _CHUNK, _chunks


def _organisation_ids(event_type: EventType, obj, organisations, context: dict) -> list[int]:
    """The organisations that asked for a copy at their contact address, among those concerned."""
    if not event_type.organisation_level or not event_type.email:
        return []
    if registry.organisation_directory() is None:
        return []
    enabled = OrganisationContact.objects.filter(enabled=True)
    if not enabled.exists():  # the common case: one cheap query, no call into the domain app
        return []
    if organisations is None:
        organisations = event_type.organisations(obj, context) if event_type.organisations else []
    ids = list(dict.fromkeys(int(pk) for pk in organisations))
    if not ids:
        return []
    chosen = set()
    for chunk in _chunks(ids, _CHUNK):
        chosen.update(enabled.filter(organisation_id__in=chunk).values_list("organisation_id", flat=True))
    return [pk for pk in ids if pk in chosen]


def _contact_deliveries(outbox: Outbox, user_ids: list[int], *, key: dict, now: datetime) -> list[Delivery]:
    """Copies to the contact addresses of the organisations that asked for them: one per address
    (two organisations sharing an address get one e-mail), none to an address that already gets the
    message as a user's own e-mail."""
    directory = registry.organisation_directory()
    if directory is None:
        return []
    settings_by_org = {
        row.organisation_id: row
        for row in OrganisationContact.objects.filter(
            enabled=True, organisation_id__in=list(outbox.organisation_ids)
        )
    }
    if not settings_by_org:
        return []
    info = directory.info(list(settings_by_org))
    addresses: dict[str, int] = {}
    for organisation_id in outbox.organisation_ids:
        organisation = info.get(organisation_id)
        if organisation_id not in settings_by_org or organisation is None:
            continue
        address = (organisation.contact_email or "").strip().lower()
        if address and address not in addresses:
            addresses[address] = organisation_id
    if not addresses:
        return []
    taken = set()
    for chunk in _chunks(user_ids, _CHUNK * 2):
        taken.update(
            get_user_model()
            .objects.filter(pk__in=chunk)
            .annotate(lower_email=Lower("email"))
            .filter(lower_email__in=list(addresses))
            .values_list("lower_email", flat=True)
        )
    return [
        Delivery(
            recipient=None,
            address=address,
            organisation_id=organisation_id,
            language=settings_by_org[organisation_id].language or settings.LANGUAGE_CODE,
            outbox=outbox,
            channel=Delivery.Channel.EMAIL,
            frequency=Frequency.IMMEDIATELY,
            created_at=now,
            queued_at=now,
            **key,
        )
        for address, organisation_id in addresses.items()
        if address not in taken
    ]


@dataclass
class ContactRecipient:
    """Stands in for a user when a copy goes to an organisation's contact address."""

    name: str
    email: str
    preferred_language: str
    organisation_id: int
    pk = None
    is_active = True

    @property
    def display_name(self) -> str:
        return self.name

    def get_display_name(self) -> str:
        return self.name


@transaction.atomic
def organisation_contact_set(
    *, actor, organisation_id: int, enabled: bool, language: str
) -> OrganisationContact:
    """Switches copies of organisation-level messages to the organisation's contact address on or
    off, and the language they are written in. The view checks that `actor` is an admin of the
    organisation. Safe to repeat."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose a valid language."))
    contact, _created = OrganisationContact.objects.update_or_create(
        organisation_id=organisation_id,
        defaults={"enabled": enabled, "language": language, "updated_by": actor},
    )
    return contact


@transaction.atomic
def organisation_contact_unsubscribe(*, organisation_id: int) -> bool:
    """Turns the copies off for one organisation (the unsubscribe link in such an e-mail). Safe to
    repeat; returns whether they were on."""
    return bool(
        OrganisationContact.objects.filter(organisation_id=organisation_id, enabled=True).update(
            enabled=False, updated_by=None
        )
    )
