"""The in-portal inbox: marking read, and the retention purge."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from notifications.models import Notification, Outbox


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Marks one of the user's notifications read; safe to repeat (keeps the first read time)."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Marks all the user's unread notifications read; returns how many changed."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def notifications_purge_read(*, now: datetime | None = None) -> int:
    """Deletes read inbox notifications older than the retention period; safe to repeat."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NOTIFICATIONS_READ_RETENTION_DAYS)
    deleted, _per_model = Notification.objects.filter(read_at__isnull=False, read_at__lt=cutoff).delete()
    # Expanded events past the same period have done their work (the inbox rows keep their context).
    Outbox.objects.filter(status=Outbox.Status.EXPANDED, created_at__lt=cutoff).delete()
    return deleted
