"""Scheduled work of the meetings app: thin tasks that call a service. Both are safe to run twice: the
notifications app sends each event once per object and key."""

from celery import shared_task

from . import services


@shared_task(name="meetings.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Reminds the invited of meetings in the next 24 hours (the beat schedule runs it hourly)."""
    return services.meetings_send_reminders()


@shared_task(name="meetings.notify_overdue_action_items", ignore_result=True)
def notify_overdue_action_items() -> int:
    """Tells those responsible about overdue action items (daily)."""
    return services.action_items_notify_overdue()
