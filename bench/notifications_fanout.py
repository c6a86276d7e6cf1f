"""Notification fan-out: how long one event for N recipients takes end to end, and what it costs the
request that raises it. Not part of the test run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/notifications_fanout.py --users 5000

It makes its own throw-away database (test_<name>, as the tests do), its own redis-server on a free
port and an SMTP sink in a separate process (as a real mail server would be), so it touches nothing
else. Two measurements:

1. The request: `notify()` for an audience of each size in `--sizes` (default 50, 500 and 5,000),
   `--repeats` times each, in a transaction that commits (so the after-commit publish to Redis is
   counted, as in a web request). Prints p50 and p95 in milliseconds. The rows these calls create are
   deleted and Redis is emptied afterwards, so they send nothing.
2. The fan-out: with one worker already running (solo pool, as `celery worker --concurrency 1`),
   one `notify()` for `--users` recipients; prints the seconds until the last e-mail reached the sink
   and the e-mails per second.

`--keepdb` reuses the database between runs.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# The SMTP sink, run in its own process so that it does not share the worker's interpreter: it counts
# the messages it accepts and writes the count to a file.
SINK = r"""
import asyncio, sys, time
from aiosmtpd.controller import Controller

port, path = int(sys.argv[1]), sys.argv[2]
count = 0

class Handler:
    async def handle_DATA(self, server, session, envelope):
        global count
        count += len(envelope.rcpt_tos)
        with open(path, "w") as f:
            f.write(str(count))
        return "250 OK"

controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
"""


class SinkProcess:
    def __init__(self, port: int):
        self.port = port
        fd, self.path = tempfile.mkstemp(prefix="fanout-sink-")
        os.close(fd)
        self.process = subprocess.Popen(
            [sys.executable, "-c", SINK, str(port), self.path], stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout.readline().strip() == "ready", "the SMTP sink did not start"

    @property
    def count(self) -> int:
        try:
            with open(self.path) as f:
                return int(f.read() or 0)
        except (OSError, ValueError):
            return 0

    def reset(self):
        # The sink keeps counting; remember where we are instead.
        return self.count

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        os.unlink(self.path)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=5000, help="audience of the end-to-end fan-out")
    parser.add_argument("--sizes", default="50,500,5000", help="audiences for the request timing")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=None, help="deliveries per task (default: setting)")
    parser.add_argument("--keepdb", action="store_true")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]

    import django

    django.setup()
    import logging

    from celery.contrib.testing.worker import start_worker
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment

    from notifications import services
    from notifications.models import Delivery, Notification, Outbox
    from portal.celery import app
    from tests.integration.test_notifications_worker import PrivateRedis, free_port, wait_for
    from tests.notifications import helpers

    logging.getLogger("celery").setLevel(logging.WARNING)
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keepdb, serialize=False)

    redis = PrivateRedis()
    redis.start()
    sink = SinkProcess(free_port())
    try:
        settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], helpers.TEMPLATE_DIR]
        from django.template import engines

        engines._engines = {}
        engines.__dict__.pop("templates", None)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        if args.batch_size:
            settings.NOTIFICATIONS_BATCH_SIZE = args.batch_size
        app.conf.update(broker_url=redis.url, task_always_eager=False, result_backend=None)
        app._pool = None
        app.amqp._producer_pool = None
        helpers.register_test_events()

        # Fresh names every run, so that a kept database (--keepdb) needs no slow clean-up first.
        stamp = f"{time.time():.0f}"

        # 1. The request.
        print(
            f"notify() in a committed transaction, {args.repeats} repeats per audience "
            f"(inline up to {services.inline_limit()} recipients, deferred above):"
        )
        for size in sizes:
            users = helpers.make_users(size, prefix=f"bench{stamp}-{size}-")
            group = helpers.make_group(name=f"Bench {size} {stamp}", users=users)
            timings = []
            deferred = False
            for repeat in range(args.repeats + 1):
                started = time.perf_counter()
                with transaction.atomic():
                    result = services.notify(helpers.PING, group, dedupe_key=f"request-{repeat}")
                elapsed = time.perf_counter() - started
                if repeat:  # the first call warms caches (content types, templates, connections)
                    timings.append(elapsed * 1000)
                deferred = result.deferred
            print(
                f"  {size:>6} recipients: p50 {statistics.median(timings):7.1f} ms, "
                f"p95 {percentile(timings, 0.95):7.1f} ms, max {max(timings):7.1f} ms "
                f"({'deferred to a worker' if deferred else 'expanded inline'})"
            )
            Delivery.objects.filter(dedupe_key__startswith="request-").delete()
            Notification.objects.filter(dedupe_key__startswith="request-").delete()
            Outbox.objects.filter(dedupe_key__startswith="request-").delete()
        with app.connection_for_write() as conn:
            conn.default_channel.client.flushdb()

        # 2. The fan-out, end to end, with one worker.
        users = helpers.make_users(args.users, prefix=f"bench{stamp}-fan-")
        group = helpers.make_group(name=f"Bench fan-out {stamp}", users=users)
        before = sink.count
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=120, loglevel="WARNING"
        ):
            started = time.monotonic()
            with transaction.atomic():
                result = services.notify(helpers.PING, group, dedupe_key="fan-out")
            notified = time.monotonic() - started
            expected = args.users
            ok = wait_for(lambda: sink.count - before >= expected, timeout=args.timeout, interval=0.05)
            elapsed = time.monotonic() - started
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        delivered = sink.count - before
        sent = Delivery.objects.filter(
            dedupe_key="fan-out", object_id=str(group.pk), status=Delivery.Status.SENT
        ).count()
        print(
            f"fan-out: {delivered} of {expected} e-mails delivered in {elapsed:.1f} s end to end with one "
            f"worker ({delivered / elapsed:.0f} e-mails/s; notify() {notified * 1000:.0f} ms, "
            f"{'deferred' if result.deferred else 'inline'}; {sent} deliveries marked sent; "
            f"batch size {settings.NOTIFICATIONS_BATCH_SIZE}; database {connection.vendor})\n"
            f"  CPU used by this process (the worker thread, mostly): {cpu:.1f} s, "
            f"{cpu / max(delivered, 1) * 1000:.1f} ms per e-mail; load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores"
        )
        return 0 if ok and delivered == expected else 1
    finally:
        sink.stop()
        redis.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keepdb)


if __name__ == "__main__":
    sys.exit(main())
