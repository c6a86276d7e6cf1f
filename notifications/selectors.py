"""Reads for the inbox and the preferences page; every read is limited to the requesting user."""

from dataclasses import dataclass

from notifications import emails, registry
from notifications.models import Notification


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.for_user(user).unread().count()


def inbox(user):
    return Notification.objects.for_user(user).select_related("actor", "content_type")


@dataclass
class InboxItem:
    notification: Notification
    text: str
    url: str
    event_name: str


def inbox_items(notifications, *, user) -> list[InboxItem]:
    """Renders a page of notifications in the active language, fetching their objects in one go."""
    notifications = list(notifications)
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(notifications, "target")
    by_event: dict[str, list] = {}
    for notification in notifications:
        if notification.target is not None and registry.is_registered(notification.event):
            by_event.setdefault(notification.event, []).append(notification.target)
    for event, targets in by_event.items():
        relations = registry.get(event).prefetch
        if relations:
            prefetch_related_objects(targets, *relations)
    items = []
    for notification in notifications:
        if registry.is_registered(notification.event):
            event_type = registry.get(notification.event)
            obj = notification.target
            text = emails.render_inbox_text(
                event_type=event_type,
                obj=obj,
                actor=notification.actor,
                recipient=user,
                context=notification.context,
            )
            url = emails.event_link(event_type, obj)
            name = str(event_type.verbose_name)
        else:
            text, url, name = notification.event, "", notification.event
        items.append(InboxItem(notification=notification, text=text, url=url, event_name=name))
    return items


def notification_link(notification: Notification) -> str:
    if not registry.is_registered(notification.event):
        return ""
    return emails.event_link(registry.get(notification.event), notification.target)


@dataclass
class OrganisationContactSetting:
    organisation_id: int
    name: str
    contact_email: str
    edit_url: str
    enabled: bool
    language: str


def administered_organisations(user) -> list[tuple[int, str]]:
    """(id, name) of the organisations the user administers; [] when no app provides organisations."""
    directory = registry.organisation_directory()
    if directory is None or not getattr(user, "is_authenticated", False):
        return []
    return directory.administered(user)


def organisation_contact_setting(user, organisation_id: int) -> OrganisationContactSetting | None:
    """The copy setting of one organisation, or None unless `user` is an active admin of it."""
    from django.conf import settings

    from notifications.models import OrganisationContact

    directory = registry.organisation_directory()
    if directory is None or not directory.is_admin(user, organisation_id):
        return None
    info = directory.info([organisation_id]).get(organisation_id)
    if info is None:
        return None
    row = OrganisationContact.objects.filter(organisation_id=organisation_id).first()
    return OrganisationContactSetting(
        organisation_id=organisation_id,
        name=info.name,
        contact_email=info.contact_email,
        edit_url=info.edit_url,
        enabled=row.enabled if row else False,
        language=row.language if row else settings.LANGUAGE_CODE,
    )


def organisation_info(organisation_id: int):
    directory = registry.organisation_directory()
    if directory is None:
        return None
    return directory.info([organisation_id]).get(organisation_id)
