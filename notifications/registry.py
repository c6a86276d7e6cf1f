"""The registry of event types.

Each domain app registers the events it raises in its own `notifications.py` module (imported by
`NotificationsConfig.ready`), so this app never imports a domain app's models:

    # consultations/notifications.py
    from django.utils.translation import gettext_lazy as _
    from notifications.registry import EventType, register

    register(EventType(
        key="consultations.opened",
        verbose_name=_("A consultation opens"),
        description=_("When the city asks for comments on a draft."),
        recipients=lambda consultation, context: User.objects.filter(...),
        link=lambda consultation: consultation.get_absolute_url(),
    ))

An organisation-level event (`organisation_level=True`) also names the organisations it concerns
(`organisations=lambda obj, context: [ids]`); the organisations app registers an
`OrganisationDirectory` (names, contact addresses, who administers what), so that copies can go to
the contact addresses of the organisations whose admins asked for them.

The event's texts are templates named after the key `<app>.<name>`:
`<app>/notifications/<name>.txt` (the one-line inbox text) and
`<app>/email/<name>_subject.txt`, `<app>/email/<name>_message.txt`, `<app>/email/<name>_message.html`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Off")


DIGEST_FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY)


@dataclass(frozen=True)
class EventType:
    """One kind of thing a user can hear about.

    - `recipients(obj, context)` returns the users (a QuerySet or an iterable of users) who hear about
      `obj`; `notify(..., recipients=...)` overrides it for one call.
    - `link(obj)` returns the path (or absolute URL) of the thing; it is called in the recipient's
      language, so `reverse()` gives the right language prefix.
    - `mandatory` events (receipts, account security) are always e-mailed at once and cannot be
      turned off; they carry no unsubscribe link.
    - `email=False` makes an inbox-only event.
    - `notify_actor`: whether the user who caused the event hears about it too.
    - `organisation_level` events concern organisations as such (consultation deadlines, invitations,
      approval, receipts). `organisations(obj, context)` returns the ids of the organisations concerned;
      an organisation whose admin switched it on also gets a copy at its contact address.
    - `prefetch` names the relations of the object that the texts and the link use, so that an inbox
      page fetches them in one query per relation rather than one per notification.
    """

    key: str
    verbose_name: Any
    recipients: Callable[[Any, dict], Iterable[Any]]
    link: Callable[[Any], str] | None = None
    description: Any = ""
    mandatory: bool = False
    default_frequency: str = Frequency.IMMEDIATELY
    email: bool = True
    notify_actor: bool = False
    organisation_level: bool = False
    organisations: Callable[[Any, dict], Iterable[int]] | None = None
    text_template: str = ""
    email_template_prefix: str = ""
    # Relations of the object that its texts and link read (for example ("meeting",) on minutes): the
    # inbox fetches them for a whole page at once instead of once per notification.
    prefetch: tuple[str, ...] = ()
    # Who can receive this event at all (`can_receive(user)`), for example only coordinators; the
    # preferences page offers an event only to those. None: anyone may.
    can_receive: Callable[[Any], bool] | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if "." not in self.key:
            raise ValueError(f"Event key {self.key!r} must be '<app>.<name>'.")
        if self.default_frequency not in Frequency.values:
            raise ValueError(f"Unknown default frequency {self.default_frequency!r} for {self.key!r}.")
        if self.mandatory and self.default_frequency != Frequency.IMMEDIATELY:
            raise ValueError(f"Mandatory event {self.key!r} must be sent immediately.")
        if self.organisation_level and self.organisations is None:
            raise ValueError(f"Organisation-level event {self.key!r} needs an `organisations` callback.")

    @property
    def app_label(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    @property
    def can_disable(self) -> bool:
        return not self.mandatory

    def offered_to(self, user) -> bool:
        return self.can_receive is None or bool(self.can_receive(user))

    def get_text_template(self) -> str:
        return self.text_template or f"{self.app_label}/notifications/{self.name}.txt"

    def get_email_templates(self) -> tuple[str, str, str]:
        prefix = self.email_template_prefix or f"{self.app_label}/email/{self.name}"
        return f"{prefix}_subject.txt", f"{prefix}_message.txt", f"{prefix}_message.html"


class AlreadyRegistered(Exception):
    pass


class UnknownEvent(KeyError):
    pass


_registry: dict[str, EventType] = {}


def register(event_type: EventType) -> EventType:
    """Adds an event type; registering the same key twice is an error (two apps claiming one name)."""
    existing = _registry.get(event_type.key)
    if (existing is not None and existing is not event_type) or event_type.key in _address_emails:
        raise AlreadyRegistered(event_type.key)
    _registry[event_type.key] = event_type
    return event_type


def unregister(key: str) -> None:
    _registry.pop(key, None)


def get(key: str) -> EventType:
    try:
        return _registry[key]
    except KeyError:
        raise UnknownEvent(key) from None


def is_registered(key: str) -> bool:
    return key in _registry


def all_event_types() -> list[EventType]:
    """Event types in a stable order: by app, then by verbose name as registered."""
    return sorted(_registry.values(), key=lambda e: e.key)


# --- Organisations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationInfo:
    name: str
    contact_email: str
    # Where an admin edits the organisation's profile (and so its contact address); may be "".
    edit_url: str = ""


@dataclass(frozen=True)
class OrganisationDirectory:
    """What the notifications app needs to know about organisations, provided by the app that owns
    them (so this app imports none of its models):

    - `info(ids)` → {id: OrganisationInfo} for the organisations that exist;
    - `administered(user)` → [(id, name)] of the organisations the user is an active admin of.
    """

    info: Callable[[Iterable[int]], dict[int, OrganisationInfo]]
    administered: Callable[[Any], list[tuple[int, str]]]

    def is_admin(self, user, organisation_id: int) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return any(pk == organisation_id for pk, _name in self.administered(user))


_directory: OrganisationDirectory | None = None


def register_organisation_directory(directory: OrganisationDirectory | None) -> None:
    global _directory
    _directory = directory


def organisation_directory() -> OrganisationDirectory | None:
    """The registered directory, or None when no app provides organisations (then no copies go out)."""
    return _directory


# --- E-mails to plain addresses ---------------------------------------------------------------------


@dataclass(frozen=True)
class AddressEmail:
    """A plain-text e-mail to an address that need not belong to an account: an invitation, the notice
    of an application to the configured coordinator addresses. It leaves like every other e-mail (a
    delivery with a unique key, the suppression list, the claim, the retries), but has no inbox row and
    no preference, and carries no unsubscribe link: it answers something a person or the city did.

    - `context(obj, language)` returns the templates' context, read when the e-mail is sent (in that
      language), or None when the object no longer asks for it (a withdrawn invitation): then nothing
      is sent. `site_name` and `site_url` are added.
    - The templates are `<prefix>_subject.txt` and `<prefix>_message.txt`; the prefix defaults to
      `<app>/email/<name>`.
    """

    key: str
    context: Callable[[Any, str], dict | None]
    template_prefix: str = ""

    def __post_init__(self):
        if "." not in self.key:
            raise ValueError(f"E-mail key {self.key!r} must be '<app>.<name>'.")

    def get_templates(self) -> tuple[str, str]:
        app_label, name = self.key.split(".", 1)
        prefix = self.template_prefix or f"{app_label}/email/{name}"
        return f"{prefix}_subject.txt", f"{prefix}_message.txt"


_address_emails: dict[str, AddressEmail] = {}


def register_address_email(address_email: AddressEmail) -> AddressEmail:
    """Registers an e-mail to plain addresses; its key must differ from every event type's (both are
    stored in `Delivery.event`). Registering the same key again replaces it (module reloads)."""
    if address_email.key in _registry:
        raise AlreadyRegistered(address_email.key)
    _address_emails[address_email.key] = address_email
    return address_email


def address_email(key: str) -> AddressEmail | None:
    return _address_emails.get(key)
