"""How long one event for N recipients takes end to end: notify() → Redis → one Celery worker → SMTP.

Not part of the test run. It makes its own throw-away database (test_<name>, as the tests do), its own
redis-server on a free port and a local aiosmtpd sink, so it touches nothing else:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/notifications_fanout.py --users 5000

Prints the seconds until the last e-mail reached the sink. `--keepdb` reuses the database between runs.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=None, help="deliveries per task (default: setting)")
    parser.add_argument("--keepdb", action="store_true")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()

    import django

    django.setup()
    import logging

    from celery.contrib.testing.worker import start_worker
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from notifications import services
    from portal.celery import app
    from tests.integration.test_notifications_worker import PrivateRedis, Sink, free_port, wait_for
    from tests.notifications import helpers

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    logging.getLogger("celery").setLevel(logging.WARNING)
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keepdb)

    redis = PrivateRedis()
    redis.start()
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], helpers.TEMPLATE_DIR]
        from django.template import engines

        engines._engines = {}
        engines.__dict__.pop("templates", None)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        if args.batch_size:
            settings.NOTIFICATIONS_BATCH_SIZE = args.batch_size
        app.conf.update(broker_url=redis.url, task_always_eager=False, result_backend=None)
        app._pool = None
        app.amqp._producer_pool = None
        helpers.register_test_events()

        from django.contrib.auth import get_user_model

        get_user_model().objects.filter(email__startswith="bench").delete()
        users = helpers.make_users(args.users, prefix="bench")
        group = helpers.make_group(name=f"Bench {time.time():.0f}", users=users)

        started = time.monotonic()
        result = services.notify(helpers.PING, group)
        notified = time.monotonic() - started
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=120, loglevel="WARNING"
        ):
            ok = wait_for(lambda: sink.count >= result.queued, timeout=args.timeout, interval=0.1)
            elapsed = time.monotonic() - started
        print(
            f"{sink.count} of {result.queued} e-mails delivered in {elapsed:.1f} s with one worker "
            f"(notify() took {notified:.2f} s; {sink.count / elapsed:.0f} e-mails/s; "
            f"batch size {settings.NOTIFICATIONS_BATCH_SIZE}; database {connection.vendor})"
        )
        return 0 if ok else 1
    finally:
        controller.stop()
        redis.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keepdb)


if __name__ == "__main__":
    sys.exit(main())
