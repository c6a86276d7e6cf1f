"""Scheduled work of the meetings app: thin tasks that call a service. Both are safe to run twice: the
notifications app sends each event once per object and key."""

from celery import shared_task

from . import services


@shared_task(name="meetings.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Reminds those invited of meetings in the next two days (the beat schedule runs it hourly)."""
    return services.meetings_send_reminders()


@shared_task(name="meetings.notify_overdue_action_items", ignore_result=True)
def notify_overdue_action_items() -> int:
    """Tells those responsible about overdue action items (daily)."""
    return services.action_items_notify_overdue()


@shared_task(name="meetings.notify_due_action_items", ignore_result=True)
def notify_due_action_items() -> int:
    """Reminds those responsible for action items due within two days (daily); once per due date."""
    return services.action_items_notify_due()


@shared_task(name="meetings.send_minutes_review_reminders", ignore_result=True)
def send_minutes_review_reminders() -> int:
    """Reminds attendees who have not commented a day before the minutes review closes (hourly)."""
    return services.minutes_send_review_reminders()
