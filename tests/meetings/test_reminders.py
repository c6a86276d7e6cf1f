"""Reminders on Celery beat: a meeting in two days, the last day to comment on minutes, action items due
soon. Time is passed in as `now` / `today`, so nothing depends on the clock."""

import datetime as dt

import pytest
from django.utils import formats, timezone, translation

from meetings import services, tasks
from meetings.models import ActionItem
from notifications.models import Notification
from tests.factories import MembershipFactory, OrganisationFactory
from tests.meetings.helpers import published_minutes, schedule

pytestmark = pytest.mark.django_db


def _swedish(value, fmt="j F Y") -> str:
    with translation.override("sv"):
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value)
        return formats.date_format(value, fmt)


def _recipients(mailoutbox) -> list[str]:
    return sorted(m.to[0] for m in mailoutbox)


def test_meeting_reminder_two_days_ahead_to_the_unanswered_and_those_going(
    coord,
    org,
    member,
    org_admin,
    other_org,
    other_admin,
    no_org,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    declined_org = OrganisationFactory(name="Avböjande föreningen")
    declined_member = MembershipFactory(organisation=declined_org, role="admin").user
    start = timezone.now() + dt.timedelta(days=3)
    meeting = schedule(
        coord,
        orgs=[org, other_org, declined_org],
        invite_all=False,
        start=start,
        end=start + dt.timedelta(hours=2),
    )
    services.rsvp_submit(
        user=member, meeting=meeting, organisation=org, answer="attending", attendees=[member]
    )
    services.rsvp_submit(user=declined_member, meeting=meeting, organisation=declined_org, answer="declined")
    mailoutbox.clear()

    # Three days ahead: not yet.
    assert services.meetings_send_reminders() == 0
    two_days_before = start - dt.timedelta(days=1, hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meetings_send_reminders(now=two_days_before) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.meetings_send_reminders(now=two_days_before + dt.timedelta(hours=1))

    # The named attendee and the organisation that has not answered; not those who declined.
    assert _recipients(mailoutbox) == sorted([member.email, other_admin.email])
    assert all(_swedish(start) in m.subject for m in mailoutbox)
    assert not Notification.objects.filter(
        event="meetings.reminder", recipient__in=[org_admin, declined_member, no_org]
    ).exists()


@pytest.fixture
def minutes_in_review(coord, meeting, org):
    services.meeting_mark_held(actor=coord, meeting=meeting)
    services.attendance_record(actor=coord, meeting=meeting, organisations=[org])
    minutes = services.minutes_start(actor=coord, meeting=meeting)
    return services.minutes_send_for_review(actor=coord, minutes=minutes, days=3)


def test_minutes_review_reminder_a_day_before_the_deadline_to_attendees_who_have_not_commented(
    minutes_in_review, member, org_admin, other_admin, no_org, mailoutbox, django_capture_on_commit_callbacks
):
    minutes = minutes_in_review
    services.minutes_comment_add(user=member, minutes=minutes, text="Punkt 1 saknar beslutet.")
    mailoutbox.clear()

    assert services.minutes_send_review_reminders() == 0  # three days left
    last_day = minutes.review_deadline - dt.timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.minutes_send_review_reminders(now=last_day) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.minutes_send_review_reminders(now=last_day + dt.timedelta(hours=1)) == 0
    assert services.minutes_send_review_reminders(now=minutes.review_deadline + dt.timedelta(minutes=1)) == 0

    assert _recipients(mailoutbox) == [org_admin.email]
    assert _swedish(minutes.review_deadline) in mailoutbox[0].subject
    assert not Notification.objects.filter(
        event="meetings.minutes_review_due", recipient__in=[member, other_admin, no_org]
    ).exists()


def test_action_item_due_in_two_days_reminded_once_and_overdue_after(
    coord, meeting, org, org_admin, member, mailoutbox, django_capture_on_commit_callbacks
):
    minutes = published_minutes(coord, meeting, org=org)
    item = minutes.action_items.get()
    today = timezone.localdate()
    ActionItem.objects.filter(pk=item.pk).update(due_date=today + dt.timedelta(days=3))
    mailoutbox.clear()

    assert services.action_items_notify_due(today=today) == 0
    tomorrow = today + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.action_items_notify_due(today=tomorrow) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.action_items_notify_due(today=tomorrow + dt.timedelta(days=1)) == 0
    assert _recipients(mailoutbox) == [org_admin.email]
    assert _swedish(today + dt.timedelta(days=3)) in mailoutbox[0].subject
    assert not Notification.objects.filter(event="meetings.action_item_due", recipient=member).exists()

    # Done items are not reminded; an item past its date is reported overdue instead.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.action_items_notify_overdue(today=today + dt.timedelta(days=4)) == 1
    assert _recipients(mailoutbox) == [org_admin.email]
    ActionItem.objects.filter(pk=item.pk).update(status="done", due_date=today + dt.timedelta(days=5))
    assert tasks.notify_due_action_items() == 0


def test_beat_tasks_run_twice_send_once(coord, meeting, org, org_admin, django_capture_on_commit_callbacks):
    minutes = published_minutes(coord, meeting, org=org)
    ActionItem.objects.filter(pk=minutes.action_items.get().pk).update(due_date=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_due_action_items() == 1
        assert tasks.notify_due_action_items() == 0
        assert tasks.send_minutes_review_reminders() == 0
    assert Notification.objects.filter(event="meetings.action_item_due", recipient=org_admin).count() == 1
