"""Redis and the worker failing, measured from outside: a private redis-server that the test stops and
starts on a free port (the shared one on 6379 is never touched), real `celery -A portal worker`
processes, the real PostgreSQL (the test database) and an SMTP sink.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/pytest -q -p no:cacheprovider tests/integration/test_resilience.py -s

`-s` prints the figures (success ratio, delivery delays, doubles). Both tests take about a minute each:
one keeps Redis away for 30 s, the other waits for the broker's visibility timeout to hand a killed
worker's messages out again, to prove that their redelivery sends nothing twice.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from html.parser import HTMLParser
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import redis
from django.db import connection
from django.urls import reverse

from notifications import services
from notifications.models import Delivery
from portal.celery import app
from tests.factories import (
    ConsultationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    site_home,
)
from tests.integration.test_notifications_worker import PrivateRedis, Sink, free_port, skip_or_fail, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


class Worker:
    """`celery -A portal worker` as production runs it (prefork, two pool processes), in its own
    process group so that the test can kill it with everything it started."""

    count = 0

    def __init__(self, env: dict, log_dir: Path):
        Worker.count += 1
        self.log_path = log_dir / f"worker-{Worker.count}.log"
        self.env = env
        self.process = None

    def start(self):
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "portal", "worker", "--loglevel=info", "--concurrency=2", "--without-mingle"]
            + [f"--hostname=resilience{Worker.count}@%h"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert wait_for(lambda: "ready." in self.output() or not self.alive(), timeout=90, interval=0.2)
        assert self.alive(), f"the worker did not start:\n{self.output()[-3000:]}"
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL to the main process and its pool processes at once: nothing finishes its task."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # pool processes left behind, if any
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def private_redis():
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL): the worker process reads the test database")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sink():
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def portal_on(private_redis, sink, settings, tmp_path):
    """This process (the live server, notify()) and the worker processes on the private Redis and the
    sink. Returns a function that starts a worker."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache_backends.TolerantRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    settings.REDIS_URL = private_redis.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")}
    app.conf.update(broker_url=private_redis.url, task_always_eager=False, result_backend=None)
    app._pool = None
    app.amqp._producer_pool = None
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REDIS_URL", "CELERY_", "EMAIL_", "DJANGO_EMAIL", "PORTAL_"))
    }
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        REDIS_URL=private_redis.url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        DJANGO_SETTINGS_MODULE="portal.settings",
        SITE_URL="https://portal.example.org",
        PYTHONUNBUFFERED="1",
    )
    workers = []

    def start_worker(**extra_env: str) -> Worker:
        workers.append(Worker({**env, **extra_env}, tmp_path).start())
        return workers[-1]

    yield start_worker
    for worker in workers:
        worker.stop()
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name") and attrs.get("type") in ("hidden", None):
            self.forms[-1]["fields"].setdefault(attrs["name"], attrs.get("value") or "")


class Browser:
    """A visitor over real HTTP (cookies, redirects followed); counts every answer."""

    def __init__(self, base: str, session_key: str | None = None):
        self.base = base
        self.jar = CookieJar()
        if session_key:
            host = urlsplit(base).hostname
            # http.cookiejar files a host name without a dot under "<name>.local".
            self.jar.set_cookie(_cookie("sessionid", session_key, host if "." in host else f"{host}.local"))
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=15) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, ""
        except OSError as exc:
            return 0, repr(exc)

    def reply(self, detail: str, comment_create: str, parent_id: int, organisation_id: int, text: str) -> int:
        """Opens the consultation, then posts a reply with what its form carries (the CSRF token, and
        any other hidden field the form has), as a person does."""
        status, page = self.request(detail)
        if status != 200:
            return status
        parser = _Forms()
        parser.feed(page)
        fields = next(
            (form["fields"] for form in parser.forms if form["action"].endswith(comment_create)),
            {"csrfmiddlewaretoken": ""},
        )
        fields.update(text=text, parent=str(parent_id), organisation=str(organisation_id), section="")
        return self.request(comment_create, fields)[0]


def _cookie(name: str, value: str, domain: str) -> Cookie:
    return Cookie(
        0, name, value, None, False, domain, False, False, "/", True, False, None, False, None, None, {}
    )


def test_redis_stopped_for_30_seconds_under_load(portal_on, private_redis, sink, live_server):
    from django.test import Client

    from consultations.models import Comment
    from consultations.services import comment_create

    site_home(title="Startsidan", introduction="<p>Välkommen.</p>")
    consultation = ConsultationFactory(title="Samråd om mötesplatser", slug="motesplatser")
    organisation = OrganisationFactory()
    author = MembershipFactory(organisation=organisation).user
    replier = MembershipFactory(organisation=organisation).user
    parent = comment_create(
        author=author, consultation=consultation, organisation=organisation, text="Första."
    )
    client = Client()
    client.force_login(replier)
    anonymous = Browser(live_server.url)
    member = Browser(live_server.url, client.session.session_key)
    detail = consultation.get_absolute_url()
    comment_create_url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    reads = ["/", reverse("consultations:list"), detail]
    worker = portal_on()

    results: list[tuple[str, int]] = []
    written: list[str] = []
    stop = threading.Event()

    def read():
        while not stop.is_set():
            for browser, who in ((anonymous, "anonymous"), (member, "member")):
                for path in reads:
                    results.append((who, browser.request(path)[0]))

    def write():
        number = 0
        while not stop.is_set():
            number += 1
            text = f"Svar nummer {number} under provet."
            status = member.reply(detail, comment_create_url, parent.pk, organisation.pk, text)
            written.append(text)
            results.append(("write", status))
            stop.wait(1.5)

    threads = [threading.Thread(target=read), threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    try:
        assert wait_for(lambda: len(written) >= 2, timeout=30)
        written_before = len(written)
        private_redis.stop()
        down_at = time.monotonic()
        stop.wait(30)  # the outage itself, under the request stream
        written_in_outage = len(written) - written_before
        private_redis.start()
        back_at = time.monotonic()
        stop.wait(3)  # a few more requests after Redis's return
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    reads_done = [status for who, status in results if who != "write"]
    ok = [status for status in reads_done if 200 <= status < 400]
    writes = [status for who, status in results if who == "write"]
    stored = set(Comment.objects.filter(parent=parent).values_list("text", flat=True))
    # Every reply is one e-mail to the author of the comment replied to.
    delivered = wait_for(lambda: sink.recipients().count(author.email) >= len(written), timeout=60)
    delay = time.monotonic() - back_at
    print(
        f"\nRedis down {back_at - down_at:.1f} s: {len(ok)}/{len(reads_done)} reads answered 2xx/3xx "
        f"({100 * len(ok) / len(reads_done):.2f} %), writes {len(writes)} (statuses {Counter(writes)}, "
        f"{written_in_outage} during the outage), stored {len(stored)}, "
        f"e-mails {sink.recipients().count(author.email)}/{len(written)} "
        f"{f'all within {delay:.1f} s of the return' if delivered else 'NOT all within 60 s'}, "
        f"worker {'running' if worker.alive() else 'EXITED'}"
    )
    assert len(reads_done) >= 100, "the request stream was too thin to measure anything"
    assert len(ok) >= 0.99 * len(reads_done), Counter(reads_done)
    assert stored == set(written), f"writes lost: {set(written) - stored}"
    assert delivered, f"{sink.recipients().count(author.email)} of {len(written)} e-mails within 60 s"
    assert sink.recipients().count(author.email) == len(written)  # none twice
    assert worker.alive(), worker.output()[-3000:]
    assert "Unrecoverable error" not in worker.output()


def test_worker_killed_mid_fanout_of_1000(portal_on, private_redis, sink):
    from django.contrib.auth import get_user_model

    from meetings.notifications import INVITED

    User = get_user_model()
    User.objects.bulk_create(
        [
            User(email=f"deltagare{i}@example.org", display_name=f"Deltagare {i}", password="!")
            for i in range(1000)
        ]
    )
    users = list(User.objects.filter(email__startswith="deltagare"))
    meeting = MeetingFactory()
    # Production waits 40 s before a dead worker's messages go to another; 12 s here keeps the test short
    # and still far above the 1-5 s in which a live worker renews the messages it holds.
    short_lease = {"CELERY_VISIBILITY_TIMEOUT": "12"}
    worker = portal_on(**short_lease)

    services.notify(INVITED, meeting, recipients=users)
    assert wait_for(lambda: sink.count >= 150, timeout=90), "the fan-out did not start"
    worker.kill()
    killed_at = time.monotonic()
    at_kill = sink.count
    assert at_kill < 1000, "the fan-out was over before the worker was killed"

    portal_on(**short_lease)  # what systemd does: the worker is started again
    delivered = wait_for(lambda: len(set(sink.recipients())) >= 1000, timeout=60)
    delay = time.monotonic() - killed_at
    # The killed worker's messages come back from Redis after the visibility timeout; wait until they
    # are handled (nothing left unacknowledged or queued), so that a double would have arrived.
    broker = redis.Redis.from_url(private_redis.url)
    settled = wait_for(lambda: broker.zcard("unacked_index") == 0 and broker.llen("celery") == 0, timeout=90)
    received = Counter(sink.recipients())
    doubles = sum(count - 1 for count in received.values() if count > 1)
    lost = 1000 - len(received)
    statuses = Counter(Delivery.objects.filter(event=INVITED).values_list("status", flat=True))
    print(
        f"\nKilled after {at_kill} of 1000 e-mails; {lost} lost, {doubles} sent twice, the rest delivered "
        f"{f'{delay:.1f} s after the kill' if delivered else 'NOT within 60 s'}; rows {dict(statuses)}; "
        f"redeliveries {'handled' if settled else 'still pending'}"
    )
    assert delivered, f"{len(received)} of 1000 delivered within 60 s of the kill"
    assert settled
    assert lost == 0
    assert doubles == 0
    assert set(received) == {user.email for user in users}
    assert statuses.get("pending", 0) == 0
    assert statuses.get("sent", 0) + statuses.get("sending", 0) == 1000
