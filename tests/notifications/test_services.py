import logging
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import registry, services
from notifications.models import Delivery, DigestRun, Notification, Preference, Suppression
from notifications.registry import EventType, Frequency
from tests.notifications.helpers import BROKEN, PING, RECEIPT, make_group, make_users

pytestmark = pytest.mark.django_db


def notify_committed(capture, event, obj, **kwargs):
    with capture(execute=True):
        return services.notify(event, obj, **kwargs)


# --- Registry ---------------------------------------------------------------------------------------


def test_registry_knows_registered_events_and_rejects_a_second_owner():
    assert registry.get(PING).verbose_name == "Test ping"
    assert registry.get(PING).get_email_templates() == (
        "testapp/email/ping_subject.txt",
        "testapp/email/ping_message.txt",
        "testapp/email/ping_message.html",
    )
    assert registry.get(PING).get_text_template() == "testapp/notifications/ping.txt"
    with pytest.raises(registry.AlreadyRegistered):
        registry.register(EventType(key=PING, verbose_name="Other", recipients=lambda o, c: []))
    with pytest.raises(registry.UnknownEvent):
        registry.get("testapp.nothing")


def test_event_types_are_validated():
    with pytest.raises(ValueError):
        EventType(key="nodot", verbose_name="x", recipients=lambda o, c: [])
    with pytest.raises(ValueError):
        EventType(
            key="a.b", verbose_name="x", recipients=lambda o, c: [], mandatory=True, default_frequency="daily"
        )


def test_notify_with_an_unknown_event_fails_loudly():
    group = make_group()
    with pytest.raises(registry.UnknownEvent):
        services.notify("testapp.nothing", group)


# --- notify ---------------------------------------------------------------------------------------


def test_notify_writes_inbox_and_deliveries_and_sends_each_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    users = make_users(3)
    actor = make_users(1, prefix="actor")[0]
    inactive = make_users(1, prefix="gone", is_active=False)[0]
    group = make_group(users=[*users, actor, inactive])

    result = notify_committed(
        django_capture_on_commit_callbacks, PING, group, actor=actor, context={"note": "hi"}
    )

    assert result.recipients == 3
    assert Notification.objects.filter(event=PING).count() == 3
    assert not Notification.objects.filter(recipient__in=[actor, inactive]).exists()
    assert Delivery.objects.filter(event=PING, status=Delivery.Status.SENT).count() == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in users)

    # The same event again: nothing new in the inbox, nothing sent twice.
    again = notify_committed(django_capture_on_commit_callbacks, PING, group, actor=actor)
    assert (again.notifications_created, again.deliveries_created, again.queued) == (0, 0, 0)
    assert Notification.objects.count() == 3
    assert len(mailoutbox) == 3


def test_notify_large_audience_is_queued_in_batches(django_capture_on_commit_callbacks, mailoutbox):
    users = make_users(25)
    group = make_group(users=users)
    with mock.patch("notifications.tasks.send_delivery_batch.apply_async") as batch:
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(PING, group)
    chunks = [call.args[0][0] for call in batch.call_args_list]
    assert [len(c) for c in chunks] == [10, 10, 5]  # NOTIFICATIONS_BATCH_SIZE is 10 in these tests
    assert sorted(i for c in chunks for i in c) == sorted(Delivery.objects.values_list("id", flat=True))
    assert mailoutbox == []


def test_notify_rows_roll_back_with_the_callers_transaction(django_capture_on_commit_callbacks, mailoutbox):
    group = make_group(users=make_users(2))
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                services.notify(PING, group)
                raise RuntimeError("the caller's change failed")
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert mailoutbox == []


def test_explicit_recipients_override_the_registry():
    users = make_users(3)
    group = make_group(users=users)
    services.notify(PING, group, recipients=[users[0]])
    assert list(Notification.objects.values_list("recipient", flat=True)) == [users[0].pk]


def test_the_unique_key_forbids_a_second_delivery_row():
    user = make_users(1)[0]
    group = make_group(users=[user])
    services.notify(PING, group)
    delivery = Delivery.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            event=delivery.event,
            content_type=delivery.content_type,
            object_id=delivery.object_id,
            recipient=user,
            channel=Delivery.Channel.EMAIL,
        )
    # A dedupe key makes a separate event about the same object (e.g. a second reminder).
    services.notify(PING, group, dedupe_key="reminder-2d")
    assert Delivery.objects.count() == 2


# --- Sending --------------------------------------------------------------------------------------


def test_a_delivery_is_sent_once_however_often_the_task_runs(mailoutbox):
    group = make_group(users=make_users(1))
    services.notify(PING, group)  # no commit callbacks run: nothing queued yet
    delivery = Delivery.objects.get()
    assert services.delivery_send(delivery_id=delivery.pk).status == "sent"
    assert services.delivery_send(delivery_id=delivery.pk).status == "not-pending"
    from notifications.tasks import send_delivery

    send_delivery.apply(args=(delivery.pk,))
    assert len(mailoutbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.sent_at is not None


def test_email_is_rendered_in_the_recipients_language(django_capture_on_commit_callbacks, mailoutbox):
    swede = make_users(1, prefix="sv", language="sv")[0]
    english = make_users(1, prefix="en", language="en")[0]
    group = make_group(name="Skolor", users=[swede, english])
    notify_committed(django_capture_on_commit_callbacks, PING, group)

    by_address = {m.to[0]: m for m in mailoutbox}
    sv, en = by_address[swede.email], by_address[english.email]
    assert sv.subject == "Notiser: Skolor"
    assert en.subject == "Notifications: Skolor"
    assert "Hej Sv 0" in sv.body
    assert "Hello En 0" in en.body
    sv_html, en_html = sv.alternatives[0][0], en.alternatives[0][0]
    assert '<html lang="sv">' in sv_html
    assert "Avsluta prenumerationen på de här e-postmeddelandena" in sv_html
    assert '<html lang="en">' in en_html
    assert "Unsubscribe from these e-mails" in en_html
    assert f"https://portal.example.org/test-groups/{group.pk}/" in sv.body
    # The unsubscribe link is in the recipient's language too.
    assert "https://portal.example.org/notiser/avregistrera/" in sv.extra_headers["List-Unsubscribe"]
    assert "https://portal.example.org/en/notiser/avregistrera/" in en.extra_headers["List-Unsubscribe"]


def test_optional_email_has_one_click_unsubscribe_headers_and_mandatory_has_none(
    django_capture_on_commit_callbacks, mailoutbox
):
    group = make_group(users=make_users(1))
    notify_committed(django_capture_on_commit_callbacks, PING, group)
    notify_committed(django_capture_on_commit_callbacks, RECEIPT, group)
    ping, receipt = sorted(mailoutbox, key=lambda m: "List-Unsubscribe" not in m.extra_headers)
    assert ping.extra_headers["List-Unsubscribe"].startswith(
        "<https://portal.example.org/notiser/avregistrera/"
    )
    assert ping.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message = ping.message()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.is_multipart()
    assert "List-Unsubscribe" not in receipt.extra_headers
    assert "List-Unsubscribe-Post" not in receipt.extra_headers


@pytest.mark.parametrize(
    "change, reason",
    [
        ("deactivate", "recipient inactive"),
        ("delete", "recipient deleted"),
        ("suppress", "address suppressed"),
        ("turn_off", "turned off by the recipient"),
    ],
)
def test_recipient_changes_between_event_and_sending_skip_the_email(change, reason, mailoutbox):
    user = make_users(1)[0]
    group = make_group(users=[user])
    services.notify(PING, group)
    if change == "deactivate":
        user.is_active = False
        user.save()
    elif change == "delete":
        # What deleting the account does to the row (on_delete=SET_NULL), without depending on
        # every other app's tables being migrated.
        Delivery.objects.update(recipient=None)
    elif change == "suppress":
        services.suppression_add(email=user.email.upper(), reason="bounced")
    else:
        services.preference_set(user=user, event=PING, frequency=Frequency.OFF)
    delivery = Delivery.objects.get()
    assert services.delivery_send(delivery_id=delivery.pk).status == "skipped"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (Delivery.Status.SKIPPED, reason)
    assert mailoutbox == []


def test_smtp_errors_are_retried_with_backoff_then_fail(settings, caplog):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 10
    group = make_group(users=make_users(1))
    services.notify(PING, group)
    delivery = Delivery.objects.get()
    error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=error):
        first = services.delivery_send(delivery_id=delivery.pk)
        second = services.delivery_send(delivery_id=delivery.pk)
        with caplog.at_level(logging.ERROR, logger="notifications.services"):
            third = services.delivery_send(delivery_id=delivery.pk)
    assert (first.status, first.retry_in) == ("retry", 10)
    assert (second.status, second.retry_in) == ("retry", 20)
    assert third.status == "failed"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 3
    assert "SMTPServerDisconnected" in delivery.last_error
    assert "failed after 3 attempt(s)" in caplog.text


def test_a_transient_error_leaves_the_delivery_for_a_later_attempt(settings, mailoutbox):
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 60
    group = make_group(users=make_users(1))
    services.notify(PING, group)
    delivery = Delivery.objects.get()
    from notifications.tasks import send_delivery

    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError("down")
    ):
        # Eagerly (no broker) the task does not retry inside the request; the sweeper will.
        assert send_delivery.apply(args=(delivery.pk,)).get() == "retry"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    assert delivery.queued_at > timezone.now()
    assert services.requeue_stale() == (0, 0)
    assert services.requeue_stale(now=timezone.now() + timedelta(minutes=7)) == (1, 0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
    assert len(mailoutbox) == 1


def test_a_template_error_fails_the_delivery_and_is_logged(caplog, mailoutbox):
    group = make_group(users=make_users(1))
    services.notify(BROKEN, group)
    delivery = Delivery.objects.get()
    with caplog.at_level(logging.ERROR, logger="notifications.services"):
        assert services.delivery_send(delivery_id=delivery.pk).status == "failed"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error.startswith("render: TemplateSyntaxError")
    assert "could not be rendered" in caplog.text
    assert mailoutbox == []


# --- Broker down, sweeper -------------------------------------------------------------------------


def test_broker_down_at_commit_does_not_break_the_caller_and_the_sweeper_sends_later(
    django_capture_on_commit_callbacks, mailoutbox, caplog
):
    from kombu.exceptions import OperationalError

    group = make_group(users=make_users(12))
    down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch("notifications.tasks.send_delivery_batch.apply_async", side_effect=down),
        caplog.at_level(logging.ERROR, logger="notifications.services"),
    ):
        result = notify_committed(django_capture_on_commit_callbacks, PING, group)
    assert result.queued == 12
    assert "will be queued again by the sweeper" in caplog.text
    assert Delivery.objects.pending().count() == 12
    assert mailoutbox == []

    # The rows that never reached the broker are marked for the very next sweep (every minute, or a
    # worker reconnecting), not the one five minutes later.
    assert services.requeue_stale() == (12, 0)
    assert len(mailoutbox) == 12
    assert services.requeue_stale(now=timezone.now() + timedelta(minutes=6)) == (0, 0)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 12


# --- Preferences ----------------------------------------------------------------------------------


def test_preferences_decide_the_channel_and_mandatory_events_always_go(
    django_capture_on_commit_callbacks, mailoutbox
):
    immediate, daily, weekly, off = make_users(4)
    group = make_group(users=[immediate, daily, weekly, off])
    services.preference_set(user=daily, event=PING, frequency=Frequency.DAILY)
    services.preference_set(user=weekly, event=PING, frequency=Frequency.WEEKLY)
    services.preference_set(user=off, event=PING, frequency=Frequency.OFF)
    # Even a preference row written around the service cannot turn off a mandatory event.
    Preference.objects.create(user=off, event=RECEIPT, frequency=Frequency.OFF)

    notify_committed(django_capture_on_commit_callbacks, PING, group)
    notify_committed(django_capture_on_commit_callbacks, RECEIPT, group)

    assert Notification.objects.filter(event=PING).count() == 4  # the inbox always has it
    frequencies = dict(Delivery.objects.filter(event=PING).values_list("recipient", "frequency"))
    assert frequencies == {immediate.pk: "immediately", daily.pk: "daily", weekly.pk: "weekly"}
    pings = [m.to[0] for m in mailoutbox if "List-Unsubscribe" in m.extra_headers]
    receipts = [m.to[0] for m in mailoutbox if "List-Unsubscribe" not in m.extra_headers]
    assert pings == [immediate.email]
    assert sorted(receipts) == sorted(u.email for u in [immediate, daily, weekly, off])


def test_mandatory_events_cannot_be_turned_off():
    from django.core.exceptions import ValidationError

    user = make_users(1)[0]
    with pytest.raises(ValidationError):
        services.preference_set(user=user, event=RECEIPT, frequency=Frequency.OFF)
    assert services.preference_set(user=user, event=RECEIPT, frequency=Frequency.IMMEDIATELY) is None
    assert not Preference.objects.exists()
    assert services.preferences_for(user)[RECEIPT] == Frequency.IMMEDIATELY


def test_preferences_have_defaults_and_can_be_changed():
    user = make_users(1)[0]
    assert services.preferences_for(user)[PING] == Frequency.IMMEDIATELY
    services.preference_set(user=user, event=PING, frequency=Frequency.WEEKLY)
    services.preference_set(user=user, event=PING, frequency=Frequency.DAILY)
    assert Preference.objects.get(user=user, event=PING).frequency == Frequency.DAILY
    assert services.preferences_for(user)[PING] == Frequency.DAILY


# --- Digests --------------------------------------------------------------------------------------


def test_digests_group_pending_deliveries_per_user_and_period(django_capture_on_commit_callbacks, mailoutbox):
    daily, weekly, immediate = make_users(3)
    english = make_users(1, prefix="en", language="en")[0]
    for user in (daily, english):
        services.preference_set(user=user, event=PING, frequency=Frequency.DAILY)
    services.preference_set(user=weekly, event=PING, frequency=Frequency.WEEKLY)
    schools = make_group("Skolor", users=[daily, weekly, immediate, english])
    libraries = make_group("Bibliotek", users=[daily, weekly, immediate, english])
    notify_committed(django_capture_on_commit_callbacks, PING, schools)
    notify_committed(django_capture_on_commit_callbacks, PING, libraries)
    assert [m.to[0] for m in mailoutbox] == [immediate.email, immediate.email]
    mailoutbox.clear()

    runs = services.digest_runs_create(frequency=Frequency.DAILY)
    assert len(runs) == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([daily.email, english.email])
    by_address = {m.to[0]: m for m in mailoutbox}
    swedish = by_address[daily.email]
    assert "Skolor" in swedish.body and "Bibliotek" in swedish.body
    assert swedish.subject == "Din dag i referensgruppen: 2 nya notiser"
    assert by_address[english.email].subject == "Your day in the reference group: 2 new notifications"
    assert swedish.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Delivery.objects.filter(recipient=daily, status=Delivery.Status.SENT).count() == 2
    assert Delivery.objects.filter(recipient=weekly, status=Delivery.Status.PENDING).count() == 2

    # The same period again: nothing new is sent.
    mailoutbox.clear()
    assert services.digest_runs_create(frequency=Frequency.DAILY) == []
    assert mailoutbox == []

    services.digest_runs_create(frequency=Frequency.WEEKLY)
    assert [m.to[0] for m in mailoutbox] == [weekly.email]
    assert "Skolor" in mailoutbox[0].body and "Bibliotek" in mailoutbox[0].body
    assert DigestRun.objects.filter(status=DigestRun.Status.SENT).count() == 3


def test_digest_period_keys_use_stockholm_time():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    utc = ZoneInfo("UTC")
    # 23:30 UTC on 31 December is already 1 January in Stockholm.
    when = datetime(2024, 12, 31, 23, 30, tzinfo=utc)
    assert services.digest_period("daily", when) == "2025-01-01"
    assert services.digest_period("weekly", when) == "2025-W01"


def test_a_digest_run_is_sent_once(mailoutbox):
    user = make_users(1)[0]
    services.preference_set(user=user, event=PING, frequency=Frequency.DAILY)
    services.notify(PING, make_group(users=[user]))
    with mock.patch("notifications.services.digests.enqueue_digest_runs"):
        (run_id,) = services.digest_runs_create(frequency=Frequency.DAILY)
    assert services.digest_send(run_id=run_id).status == "sent"
    assert services.digest_send(run_id=run_id).status == "not-pending"
    assert len(mailoutbox) == 1


# --- Retention and suppression ----------------------------------------------------------------------


def test_retention_deletes_only_old_read_notifications():
    users = make_users(3)
    group = make_group(users=users)
    services.notify(PING, group)
    old_read, recent_read, old_unread = Notification.objects.order_by("recipient_id")
    long_ago = timezone.now() - timedelta(days=181)
    Notification.objects.filter(pk=old_read.pk).update(created_at=long_ago, read_at=long_ago)
    Notification.objects.filter(pk=recent_read.pk).update(read_at=timezone.now() - timedelta(days=3))
    Notification.objects.filter(pk=old_unread.pk).update(created_at=long_ago)

    assert services.notifications_purge_read() == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {recent_read.pk, old_unread.pk}
    # Deliveries are kept as the record of what was sent.
    assert Delivery.objects.count() == 3


def test_anymail_bounces_and_complaints_fill_the_suppression_list():
    from anymail.signals import AnymailTrackingEvent, tracking

    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(
            event_type="bounced", recipient="Someone@Example.org", description="5.1.1"
        ),
        esp_name="Postmark",
    )
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type="delivered", recipient="fine@example.org"),
        esp_name="Postmark",
    )
    assert list(Suppression.objects.values_list("email", "reason")) == [
        ("someone@example.org", "Postmark:bounced")
    ]


# --- Large audiences: the outbox ------------------------------------------------------------------


def test_a_large_audience_costs_the_caller_the_same_few_queries_and_is_expanded_after_commit(
    settings, django_capture_on_commit_callbacks, django_assert_max_num_queries, mailoutbox
):
    from notifications.models import Outbox

    settings.NOTIFICATIONS_INLINE_MAX_RECIPIENTS = 5
    small = make_group("Small", users=make_users(8, prefix="small"))
    large = make_group("Large", users=make_users(120, prefix="large"))
    for group in (small, large):
        with django_assert_max_num_queries(8):  # whatever the audience size
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                result = services.notify(PING, group)
        assert result.deferred and result.notifications_created == group.user_set.count()
        assert not Notification.objects.filter(object_id=str(group.pk)).exists()
        with django_capture_on_commit_callbacks(execute=True):
            for callback in callbacks:
                callback()  # the expansion task, run eagerly here
        assert Notification.objects.filter(object_id=str(group.pk)).count() == group.user_set.count()
    assert len(mailoutbox) == 128
    assert set(Outbox.objects.values_list("status", flat=True)) == {Outbox.Status.EXPANDED}

    # The same event again: nothing new to expand, so no outbox row and nothing sent.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.notify(PING, large)
    assert (again.deferred, again.notifications_created) == (True, 0)
    assert Outbox.objects.count() == 2 and len(mailoutbox) == 128


def test_expanding_an_outbox_row_twice_creates_and_sends_nothing_twice(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    from notifications.models import Outbox

    settings.NOTIFICATIONS_INLINE_MAX_RECIPIENTS = 0
    users = make_users(6)
    group = make_group(users=users)
    services.notify(PING, group)
    outbox = Outbox.objects.get()
    users[0].delete()  # an account deleted between the event and the expansion
    with django_capture_on_commit_callbacks(execute=True):
        first = services.outbox_expand(outbox_id=outbox.pk)
        second = services.outbox_expand(outbox_id=outbox.pk)
    assert (first.notifications_created, first.deliveries_created) == (5, 5)
    assert second is None
    assert len(mailoutbox) == 5


def test_the_sweeper_expands_an_event_whose_task_never_ran(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    from notifications.models import Outbox

    settings.NOTIFICATIONS_INLINE_MAX_RECIPIENTS = 0
    services.notify(PING, make_group(users=make_users(3)))  # the task is never queued (no commit)
    with django_capture_on_commit_callbacks(execute=True):
        services.requeue_stale()  # not stale yet
    assert Outbox.objects.get().status == Outbox.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        services.requeue_stale(now=timezone.now() + timedelta(minutes=6))
    assert Outbox.objects.get().status == Outbox.Status.EXPANDED
    assert len(mailoutbox) == 3


def test_a_batch_is_sent_with_a_bounded_number_of_queries(
    django_capture_on_commit_callbacks, django_assert_max_num_queries, mailoutbox
):
    from notifications import tasks

    group = make_group(users=make_users(40))
    services.notify(PING, group, recipients=group.user_set.all(), defer=False)
    ids = list(Delivery.objects.order_by("id").values_list("id", flat=True))
    # A few reads for the whole batch, then a claim and an update per message (savepoints aside).
    with django_assert_max_num_queries(10 + 5 * len(ids)):
        counts = tasks.send_delivery_batch(ids)
    assert counts == {"sent": 40}
    assert len(mailoutbox) == 40
    assert len({message.extra_headers["List-Unsubscribe"] for message in mailoutbox}) == 40


def test_messages_sharing_one_rendering_each_get_their_own_name_link_and_language(
    django_capture_on_commit_callbacks, mailoutbox
):
    from notifications import tasks

    swedes = make_users(3, prefix="sv-anna", language="sv")
    english = make_users(3, prefix="en-bob", language="en")
    odd = make_users(1, prefix="o'dd&", language="sv")
    group = make_group(users=[*swedes, *english, *odd])
    services.notify(PING, group, defer=False)
    tasks.send_delivery_batch(list(Delivery.objects.order_by("id").values_list("id", flat=True)))
    assert len(mailoutbox) == 7
    for message in mailoutbox:
        user = next(u for u in [*swedes, *english, *odd] if [u.email] == message.to)
        unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
        html = message.alternatives[0][0]
        greeting = "Hej" if user.preferred_language == "sv" else "Hello"
        assert f"{greeting} {user.get_display_name()}," in message.body
        assert unsubscribe in message.body and unsubscribe in html
        # No placeholder of the shared rendering is left (a random token may well contain "QQ").
        for placeholder in ("QQRECIPIENTNAMEQQ", "QQUNSUBSCRIBETOKENQQ", "RECIPIENTNAME", "UNSUBSCRIBETOKEN"):
            assert placeholder not in message.body + html + message.subject
    (odd_message,) = [m for m in mailoutbox if m.to == [odd[0].email]]
    assert "Hej O'Dd& 0," in odd_message.body


def test_a_template_that_asks_for_more_than_the_name_is_rendered_for_each_recipient():
    from types import SimpleNamespace

    from notifications import emails

    class Delivery_(SimpleNamespace):
        pass

    event_type = registry.get(PING)
    group = make_group()
    shared = {}
    users = make_users(2, prefix="probe")
    for index, user in enumerate(users):
        emails.build_event_email(
            delivery=Delivery_(pk=index, address="", outbox_id=1),
            event_type=event_type,
            obj=group,
            actor=None,
            recipient=user,
            context={},
            shared=shared,
        )
    assert list(shared.values())[0].usable  # the test templates use only the name

    probe = emails._Probe()
    assert str(probe) and probe.email == "" and probe.asked_for_more


def test_parallel_sending_records_each_message_once_when_the_server_fails_mid_batch(settings, mailoutbox):
    from notifications import tasks
    from tests.notifications.helpers import FlakyBackend

    settings.EMAIL_BACKEND = "tests.notifications.helpers.FlakyBackend"
    settings.NOTIFICATIONS_SMTP_CONNECTIONS = 4
    settings.NOTIFICATIONS_SEND_CHUNK = 5
    users = make_users(12)
    services.notify(PING, make_group(users=users), defer=False)
    ids = list(Delivery.objects.order_by("id").values_list("id", flat=True))
    FlakyBackend.refuse = {users[3].email}
    try:
        tasks.send_delivery_batch.apply(args=(ids,))  # eager: the retry is left to the sweeper
    finally:
        FlakyBackend.refuse = set()
    refused = Delivery.objects.get(recipient=users[3])
    assert refused.status == Delivery.Status.PENDING and refused.attempts == 1
    assert "SMTPServerDisconnected" in refused.last_error
    sent = set(
        Delivery.objects.filter(status=Delivery.Status.SENT).values_list("recipient__email", flat=True)
    )
    assert sorted(sent) == sorted(message.to[0] for message in mailoutbox)  # what was sent is recorded

    tasks.send_delivery_batch.apply(args=(ids,))  # the retry sends the rest, and nothing twice
    assert sorted(message.to[0] for message in mailoutbox) == sorted(user.email for user in users)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 12
