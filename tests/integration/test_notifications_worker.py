"""Notifications end to end: a real Celery worker, a private Redis and a local SMTP sink.

Run with PostgreSQL, so that the worker thread (its own database connection) sees committed data:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_notif \
        .venv/bin/pytest tests/integration/test_notifications_worker.py
"""

import email
import email.policy
import logging
import os
import shutil
import socket
import subprocess
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone

from notifications import services, tasks
from notifications.models import Delivery, Notification, Outbox, Preference
from notifications.registry import Frequency
from portal.celery import app
from tests.notifications import helpers
from tests.notifications.helpers import PING, make_group, make_users

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def skip_or_fail(reason: str):
    """Skips locally; in CI a missing service is a failure, not a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


class PrivateRedis:
    """A redis-server of our own on a free port, which a test may stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.is_up, timeout=10), "redis-server did not start"

    def is_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Sink:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def recipients(self) -> list[str]:
        with self.lock:
            return [rcpt for rcpts, _message in self.messages for rcpt in rcpts]

    def clear(self):
        with self.lock:
            self.messages.clear()


@pytest.fixture(scope="module")
def redis_server():
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def smtp_sink():
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    controller.stop()


def reset_broker_pools():
    """Forgets the pooled broker connections, so that the next publish uses the current broker URL."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(scope="module")
def celery_on_private_redis(redis_server):
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL) so the worker thread sees committed data")
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")}
    app.conf.update(broker_url=redis_server.url, task_always_eager=False, result_backend=None)
    reset_broker_pools()
    yield app
    app.conf.update(saved)
    reset_broker_pools()


@pytest.fixture
def env(settings, smtp_sink, celery_on_private_redis, redis_server):
    helpers.use_test_templates(settings)
    settings.SITE_URL = "https://portal.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.NOTIFICATIONS_BATCH_SIZE = 50
    helpers.register_test_events()
    smtp_sink.clear()
    # Messages left by an earlier test must not leak into this one.
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    yield smtp_sink
    helpers.unregister_test_events()


def worker():
    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60, loglevel="WARNING")


def test_500_recipients_get_exactly_500_emails_even_when_the_worker_is_stopped_midway(env):
    sink = env
    users = make_users(500)
    group = make_group(users=users)

    # Commits one outbox row; its expansion task goes to Redis after commit, and the worker writes
    # the inbox rows and deliveries and queues the e-mail batches.
    result = services.notify(PING, group)
    assert result.deferred and result.notifications_created == 500
    assert not Delivery.objects.exists()

    with worker():
        assert wait_for(lambda: sink.count >= 100, timeout=30), "the first worker sent nothing"
    midway = sink.count
    assert 100 <= midway < 500, f"the worker was not stopped mid-way ({midway} sent)"
    assert Notification.objects.filter(event=PING).count() == 500

    # A redelivery of everything (as after a crash with acks_late) must not send anything twice,
    # nor expanding the event a second time.
    services.enqueue_deliveries(list(Delivery.objects.order_by("id").values_list("id", flat=True)))
    services.enqueue_outbox(list(Outbox.objects.values_list("id", flat=True)))

    with worker():
        done = wait_for(lambda: sink.count >= 500, timeout=30)
        if not done:  # anything the broker lost is the sweeper's job
            services.requeue_stale(now=timezone.now() + timedelta(hours=1))
            wait_for(lambda: sink.count >= 500, timeout=30)
        time.sleep(0.5)  # let a duplicate, if any, arrive

    recipients = sink.recipients()
    assert len(recipients) == 500
    assert sorted(recipients) == sorted(user.email for user in users)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 500


def test_with_redis_down_the_call_succeeds_and_mail_arrives_after_the_sweeper(env, redis_server):
    sink = env
    users = make_users(20)
    group = make_group(users=users)

    redis_server.stop()
    try:
        started = time.monotonic()
        result = services.notify(PING, group)
        elapsed = time.monotonic() - started
        assert result.queued == 20
        assert elapsed < 5, f"the caller waited {elapsed:.1f}s for a broker that is down"
        assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 20
    finally:
        redis_server.start()

    # The messages never reached Redis; a worker that connects queues the pending e-mail again at
    # once (portal.celery.RequeueOnConnect), without waiting for the sweeper.
    with worker():
        assert wait_for(lambda: sink.count >= 20, timeout=30)
        assert services.requeue_stale(now=timezone.now() + timedelta(minutes=10)) == (0, 0)
    assert sorted(sink.recipients()) == sorted(user.email for user in users)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 20


def test_a_large_event_raised_while_redis_is_down_is_expanded_and_sent_after_the_sweeper(
    env, redis_server, settings
):
    sink = env
    settings.NOTIFICATIONS_INLINE_MAX_RECIPIENTS = 5
    users = make_users(30)
    group = make_group(users=users)

    redis_server.stop()
    try:
        started = time.monotonic()
        result = services.notify(PING, group)
        elapsed = time.monotonic() - started
        assert result.deferred
        assert elapsed < 5, f"the caller waited {elapsed:.1f}s for a broker that is down"
        # Only the outbox row is written; its expansion task never reached Redis.
        assert Outbox.objects.get().status == Outbox.Status.PENDING
        assert not Notification.objects.exists()
    finally:
        redis_server.start()

    # The worker expands and sends it as soon as it connects (the row is marked for the next sweep).
    with worker():
        assert wait_for(lambda: sink.count >= 30, timeout=30)
        assert Outbox.objects.get().status == Outbox.Status.EXPANDED
        assert Notification.objects.filter(event=PING).count() == 30
    assert sorted(sink.recipients()) == sorted(user.email for user in users)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 30


def test_digests_group_by_preference(env):
    sink = env
    daily = make_users(3, prefix="daily")
    weekly = make_users(2, prefix="weekly")
    immediate = make_users(1, prefix="now")
    for user in daily:
        services.preference_set(user=user, event=PING, frequency=Frequency.DAILY)
    for user in weekly:
        services.preference_set(user=user, event=PING, frequency=Frequency.WEEKLY)
    everyone = [*daily, *weekly, *immediate]
    services.notify(PING, make_group("Skolor", users=everyone))
    services.notify(PING, make_group("Bibliotek", users=everyone))

    with worker():
        assert wait_for(lambda: sink.count >= 2, timeout=20)
        time.sleep(0.3)
        assert sink.recipients() == [immediate[0].email] * 2
        sink.clear()

        tasks.send_digests.delay("daily")
        assert wait_for(lambda: sink.count >= 3, timeout=20)
        tasks.send_digests.delay("daily")  # beat firing twice in one period
        time.sleep(1)
        assert sorted(sink.recipients()) == sorted(u.email for u in daily)
        for _rcpts, message in sink.messages:
            body = message.get_body(preferencelist=("plain",)).get_content()
            assert "Skolor" in body and "Bibliotek" in body
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        sink.clear()

        tasks.send_digests.delay("weekly")
        assert wait_for(lambda: sink.count >= 2, timeout=20)
        time.sleep(0.5)
        assert sorted(sink.recipients()) == sorted(u.email for u in weekly)
    assert not Delivery.objects.filter(status=Delivery.Status.PENDING).exists()


def test_one_click_unsubscribe_works_by_post_and_not_by_get(env, client):
    sink = env
    user = make_users(1)[0]
    group = make_group(users=[user])
    services.notify(PING, group)
    with worker():
        assert wait_for(lambda: sink.count >= 1, timeout=20)
        ((_rcpts, message),) = sink.messages
        header = str(message["List-Unsubscribe"]).strip()
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = urlsplit(header.strip("<>"))
        assert url.scheme == "https"

        response = client.get(url.path)
        assert response.status_code == 200
        assert not Preference.objects.filter(user=user).exists()

        response = client.post(url.path, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert Preference.objects.get(user=user, event=PING).frequency == Frequency.OFF

        sink.clear()
        services.notify(PING, make_group("Another", users=[user]))
        time.sleep(1.5)
        assert sink.count == 0
