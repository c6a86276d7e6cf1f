"""Server time of every coordinator workspace page (issue 18: "every workspace page answers within 300 ms
server time at scale 1 of the data generator").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_s1 .venv/bin/python -m bench.workspace \\
        --rounds 3 --runs 7 --json /tmp/workspace-s1.json

The bench coordinator (bench-coordinator@example.org, with an authenticator) requests each page in-process
through Django's test client: all middleware, Wagtail's admin wrapper, the view and the templates; no
network, no gunicorn. Every cache is off (a dummy cache backend), DEBUG is off, so the figure is the work
of rendering the page. Each round requests every page `--warmup` times, then `--runs` times, and reports
the median; rounds are repeated so that one noisy moment on a shared machine shows as one odd column. The
load average is printed before each round. Prints a Markdown table for bench/README.md.

Read-only apart from the coordinator's privacy consent (recorded once, as bench.pages does).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_MS = 300


def page_list() -> list[tuple[str, str]]:
    """The workspace pages, each with the object of the data set that makes it heaviest."""
    from django.db.models import Count
    from django.urls import reverse

    from bench.generate import HOT_SLUG
    from consultations.models import Consultation
    from meetings.models import Meeting, Minutes
    from organisations.models import Organisation

    hot = Consultation.objects.get(slug=HOT_SLUG)
    busiest = Meeting.objects.annotate(n=Count("invitations")).order_by("-n", "-pk").first()
    # Attendance can be recorded until the minutes are approved: the busiest meeting still planned.
    planned = (
        Meeting.objects.filter(state=Meeting.State.PLANNED)
        .annotate(n=Count("invitations"))
        .order_by("-n", "-pk")
        .first()
    )
    minuted = (
        Meeting.objects.filter(minutes__isnull=False)
        .annotate(n=Count("minutes__decisions"))
        .order_by("-n", "-pk")
        .first()
    )
    pages = [
        ("workspace home", reverse("workspace_home")),
        ("consultations", reverse("workspace_consultations")),
        ("consultation (500 comments)", reverse("workspace_consultation", args=[hot.pk])),
        ("new consultation", reverse("workspace_consultation_create")),
        (
            f"consultation text form ({hot.sections.count()} sections)",
            reverse("wagtailsnippets_consultations_consultation:edit", args=[hot.pk]),
        ),
        (f"meeting ({busiest.n} invited)", reverse("workspace_meeting", args=[busiest.pk])),
        (
            f"meeting attendance ({planned.n} invited)",
            reverse("workspace_meeting_attendance", args=[planned.pk]),
        ),
        ("meeting documents", reverse("workspace_meeting_documents", args=[busiest.pk])),
    ]
    if minuted is not None:
        locked = minuted.minutes.state in Minutes.LOCKED_STATES
        pages.append(
            (
                f"minutes ({minuted.n} decisions{', approved' if locked else ''})",
                reverse("workspace_meeting_minutes", args=[minuted.pk]),
            )
        )
    pages.append(("applications queue", reverse("workspace_applications")))
    pending = Organisation.objects.filter(status="pending").order_by("pk").first()
    if pending is not None:
        pages.append(("application", reverse("workspace_application", args=[pending.pk])))
    pages += [
        ("archive", reverse("workspace_archive")),
        ("history (audit trail)", reverse("workspace_audit")),
    ]
    return pages


def measure(rounds: int, runs: int, warmup: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from bench import BENCH_COORDINATOR

    person = get_user_model().objects.get(email=BENCH_COORDINATOR)
    try:
        from privacy.services import consent_record

        consent_record(user=person)
    except ImportError:
        pass
    client = Client()
    client.force_login(person)
    pages = page_list()
    rows = {name: {"page": name, "path": path, "medians": []} for name, path in pages}
    loads = []
    for number in range(1, rounds + 1):
        load = os.getloadavg()
        loads.append([round(x, 2) for x in load])
        print(f"round {number}: load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
        for name, path in pages:
            for _ in range(warmup):
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {path} answered {response.status_code}")
            if number == 1:
                queries: list[str] = []

                def count(execute, sql, params, many, context, queries=queries):
                    queries.append(sql)
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(count):
                    client.get(path)
                rows[name]["queries"] = len(queries)
                rows[name]["bytes"] = len(response.content)
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            rows[name]["medians"].append(round(statistics.median(times), 1))
            print(f"  {name:<40} {rows[name]['medians'][-1]:8.1f} ms", flush=True)
    return {"rounds": rounds, "runs": runs, "load": loads, "pages": list(rows.values())}


def markdown(result: dict) -> str:
    rounds = result["rounds"]
    head = "| page | queries | " + " | ".join(f"round {i} (ms)" for i in range(1, rounds + 1))
    lines = [head + " | worst | ≤ 300 ms |", "|---|---:|" + "---:|" * rounds + "---:|---|"]
    for row in result["pages"]:
        worst = max(row["medians"])
        cells = " | ".join(f"{m:.1f}" for m in row["medians"])
        ok = "yes" if worst <= TARGET_MS else "**no**"
        lines.append(f"| {row['page']} | {row['queries']} | {cells} | {worst:.1f} | {ok} |")
    loads = "; ".join(f"round {i}: {' '.join(map(str, la))}" for i, la in enumerate(result["load"], 1))
    lines.append("")
    lines.append(f"Load average (1, 5, 15 min) before each round: {loads}.")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["PORTAL_PAGE_CACHE_SECONDS"] = "0"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    from portal.startup import settle

    settle()  # as portal/wsgi.py does in every web process
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS],
    ):
        name = settings.DATABASES["default"]["NAME"]
        print(f"Database {name}; {args.rounds} rounds, median of {args.runs} after {args.warmup}")
        result = measure(args.rounds, args.runs, args.warmup)
    result["database"] = name
    print()
    print(markdown(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
