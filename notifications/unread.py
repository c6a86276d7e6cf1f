"""The unread count of the header's notifications link, cached per person across requests.

Every signed-in page shows it, so it is kept in the cache (portal/layout.py, `person_value`) and
forgotten whenever a person's notifications change: a notification saved (written, or marked read one by
one) through the `post_save` signal connected in NotificationsConfig.ready(), and the query methods that
send no signal, `bulk_create` (the fan-out) and `update` (mark all read), in `NotificationQuerySet`.
Deleting notifications is not watched (the prune removes read ones only, which leaves the count as it
is; a deleted person has no header). `UNREAD_SECONDS` bounds what any other path could leave stale.
"""

from django.db.models.signals import post_save

from portal import layout

NAME = "notifications:unread"
UNREAD_SECONDS = 300


def unread_count(user) -> int:
    """`selectors.unread_count(user)`, from the cache when it holds it."""
    from notifications import selectors

    if not getattr(user, "is_authenticated", False):
        return 0
    return layout.person_value(user, NAME, lambda: selectors.unread_count(user), timeout=UNREAD_SECONDS)


def forget(user_ids) -> None:
    layout.forget_person_value(user_ids, NAME)


def _on_save(sender, instance, raw=False, **kwargs):
    if not raw:
        forget([instance.recipient_id])


def connect_signals() -> None:
    post_save.connect(_on_save, sender="notifications.Notification", dispatch_uid="notifications.unread.save")
