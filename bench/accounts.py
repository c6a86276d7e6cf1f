"""Logged-in sessions for load tools, so they need not go through the log-in form (and TOTP).

    .venv/bin/python -m bench.accounts session bench-member@example.org
    # prints: sessionid=<key>   (set it as the cookie of every request)

    .venv/bin/python -m bench.accounts member-sessions 100
    # prints 100 session keys, one per line, of generated people who belong to an organisation

From Python (with Django set up): `session_key("bench-coordinator@example.org")`, `member_sessions(100)`.

The session is created through the configured session engine and `django.contrib.auth.login`, exactly as
a real log-in would, so it works whatever `SESSION_ENGINE` is (database, cache or signed cookies do not
matter to the caller). It lives as long as `SESSION_COOKIE_AGE`.
"""

import argparse
import os
import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def session_key(email: str) -> str:
    """A new session in which `email`'s user is logged in; returns the value for the session cookie."""
    from django.conf import settings
    from django.contrib.auth import get_user_model, login
    from django.http import HttpRequest

    user = get_user_model().objects.get(email=email.lower())
    request = HttpRequest()
    request.META.update({"SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "REMOTE_ADDR": "127.0.0.1"})
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    return request.session.session_key


def session_cookie(email: str) -> tuple[str, str]:
    """(cookie name, value) for a logged-in session of `email`."""
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME, session_key(email)


def member_sessions(count: int, seed: int = 2026) -> list[str]:
    """Sessions for `count` generated people who belong to an approved organisation (so that they may
    comment), picked at random with `seed`; for the mixed-traffic run, whose simulated members would
    otherwise all log in from 127.0.0.1 at once and meet the log-in rate limit."""
    import random

    from django.contrib.auth import get_user_model

    from bench import BENCH_EMAIL_DOMAIN
    from organisations.models import Membership, Organisation

    emails = sorted(
        get_user_model()
        .objects.filter(
            is_active=True,
            email__endswith="@" + BENCH_EMAIL_DOMAIN,
            pk__in=Membership.objects.active()
            .filter(organisation__status=Organisation.Status.APPROVED)
            .values("user_id"),
        )
        .values_list("email", flat=True)
    )
    picked = random.Random(seed).sample(emails, min(count, len(emails)))
    return [session_key(email) for email in picked]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    session = sub.add_parser("session", help="print NAME=VALUE of a session cookie for each e-mail address")
    session.add_argument("emails", nargs="+")
    session.add_argument("--database-url", help="overrides DATABASE_URL")
    members = sub.add_parser(
        "member-sessions", help="print one session key per line for N generated members of organisations"
    )
    members.add_argument("count", type=int)
    members.add_argument("--seed", type=int, default=2026)
    members.add_argument("--database-url", help="overrides DATABASE_URL")
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    if args.command == "member-sessions":
        print("\n".join(member_sessions(args.count, args.seed)))
        return 0
    for email in args.emails:
        name, value = session_cookie(email)
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
