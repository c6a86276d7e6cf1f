"""Server time per page at the current data set, for the growth table in bench/README.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_s1 .venv/bin/python -m bench.pages \\
        --label "scale 1" --json /tmp/pages-s1.json
    .venv/bin/python -m bench.pages --table /tmp/pages-s01.json /tmp/pages-s1.json /tmp/pages-s10.json

Each page is requested in-process through Django's test client (all middleware, the view, the templates;
no network, no gunicorn), `--warmup` times and then `--runs` times; the median is reported with the number
of SQL queries. Every cache is off (a dummy cache backend, the page cache switched off), so the figure is
the real work of rendering the page, not a cache hit. DEBUG is off, as in production.
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


def page_list():
    from bench.generate import BENCH_ORG_SLUG, HOT_SLUG

    return [
        ("home", "/", False),
        ("consultation list", "/samraden/", False),
        ("consultation list, closed", "/samraden/?status=ended", False),
        ("consultation (500 comments)", f"/samraden/{HOT_SLUG}/", False),
        ("consultation (500 comments), member", f"/samraden/{HOT_SLUG}/", True),
        ("meeting list", "/moten/", False),
        ("past meetings", "/moten/tidigare/", False),
        ("directory", "/organisationer/", False),
        ("organisation page", f"/organisationer/{BENCH_ORG_SLUG}/", False),
        ("inbox (member)", "/notiser/", True),
        ("my organisations (member)", "/organisationer/mina/", True),
    ]


def measure(runs: int, warmup: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from bench import BENCH_MEMBER

    anonymous = Client()
    member = Client()
    person = get_user_model().objects.get(email=BENCH_MEMBER)
    try:  # signed-in pages redirect to the consent page until the current privacy terms are accepted
        from privacy.services import consent_record

        consent_record(user=person)
    except ImportError:
        pass
    member.force_login(person)
    from django.apps import apps

    counted = ("organisations.Organisation", "consultations.Comment", "notifications.Notification")
    data = {label: apps.get_model(label).objects.count() for label in counted}
    results = []
    for name, path, signed_in in page_list():
        client = member if signed_in else anonymous
        for _ in range(warmup):
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} answered {response.status_code}")
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(path)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        results.append(
            {
                "page": name,
                "path": path,
                "median_ms": round(statistics.median(times), 1),
                "min_ms": round(min(times), 1),
                "queries": len(queries),
                "bytes": len(response.content),
            }
        )
        print(
            f"  {name:<40} {results[-1]['median_ms']:8.1f} ms (min {results[-1]['min_ms']:.1f})"
            f"  {results[-1]['queries']:3d} queries  {results[-1]['bytes'] // 1024} KiB",
            flush=True,
        )
    return {"rows": data, "pages": results}


def table(files: list[str]) -> None:
    """A Markdown table: median ms and queries per file, then the ratio of the last file to the one before
    (with files at scale 0.1, 1 and 10: how much slower the page is with ten times the data)."""
    sets = [json.loads(Path(f).read_text()) for f in files]
    labels = [s["label"] for s in sets]
    ratio = len(sets) > 1
    header = "| page | " + " | ".join(f"{label} ms (queries)" for label in labels)
    if ratio:
        header += f" | {labels[-1]} / {labels[-2]}"
    print(header + " |")
    print("|---|" + "---:|" * (len(labels) + ratio))
    for index, page in enumerate(sets[0]["pages"]):
        rows = [s["pages"][index] for s in sets]
        cells = [f"{row['median_ms']:.1f} ({row['queries']})" for row in rows]
        if ratio:
            cells.append(f"{rows[-1]['median_ms'] / rows[-2]['median_ms']:.2f}")
        print(f"| {page['page']} | " + " | ".join(cells) + " |")
    print(
        "| *rows: organisations / comments / notifications* | "
        + " | ".join(" / ".join(f"{count:,}" for count in s["rows"].values()) for s in sets)
        + (" | " if ratio else "")
        + " |"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--label", default="")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--table", nargs="+", metavar="JSON", help="print the growth table of these files")
    args = parser.parse_args(argv)
    if args.table:
        table(args.table)
        return 0

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["PORTAL_PAGE_CACHE_SECONDS"] = "0"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        print(f"Database {settings.DATABASES['default']['NAME']}; median of {args.runs} after {args.warmup}")
        result = measure(args.runs, args.warmup)
    result["label"] = args.label or settings.DATABASES["default"]["NAME"]
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
