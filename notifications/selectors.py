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
