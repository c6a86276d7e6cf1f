"""Where the time of each signed-in page goes: wall time, queries, SQL, and a profile split.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_s1 .venv/bin/python -m bench.profile_pages
    # --runs 10 --json /tmp/profile.json --only "member home" --cache locmem|dummy --top 25

Each page is requested in-process through Django's test client (all middleware, the view, the templates;
no network), with DEBUG off and the anonymous page cache off, against a data set made by
`python -m bench.generate --scale 1`: `--warmup` requests, then `--runs` timed ones. Per page: the median
wall ms (and the fastest), the queries and the SQL time (`connection.execute_wrapper`), and where the
time went, from timers wrapped round these functions (each counted once at its outermost call, medians):

- **middleware**: `BaseHandler.get_response` less `BaseHandler._get_response` (everything around the view:
  sessions, authentication, locale, CSP, the consent check, the page-cache middleware, ...);
- **site lookup**: `Site.find_for_request` (Wagtail's site for the request);
- **page URLs / routing**: `Page.get_url_parts` (each `pageurl` and `get_url`) and `Page.route` (serving
  a Wagtail page from its path);
- **rows**: `Model.from_db`, the ORM building model instances from rows (not the SQL);
- **templates**: the outermost `Template.render`, with the tags and lazily evaluated querysets in it;
- **of which tags**: Django's `SimpleNode`, `InclusionNode` and `CacheNode` (`simple_tag`s such as
  `pageurl`, `main_menu`, `language_links`; inclusion tags; `{% cache %}`).

The columns overlap (a site lookup inside a tag inside a template counts in all three); SQL run inside
them counts in them too. `--top N` prints cProfile's N costliest functions of one more request per page
(pyinstrument is not in the lock). The default cache is a local-memory cache kept between requests (as
Redis is in production: the shared layout is then warm); `--cache dummy` makes every request find it
cold.
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class Timers:
    """Wall time spent inside chosen functions, counted once however deeply they nest (a template that
    includes a template is counted once, at the outermost render)."""

    PLACES = (
        ("handler", "django.core.handlers.base", "BaseHandler", "get_response"),
        ("view", "django.core.handlers.base", "BaseHandler", "_get_response"),
        ("site", "wagtail.models.sites", "Site", "find_for_request"),
        ("page_urls", "wagtail.models.pages", "Page", "get_url_parts"),
        ("page_urls", "wagtail.models.pages", "Page", "route"),
        ("rows", "django.db.models.base", "Model", "from_db"),
        ("templates", "django.template.base", "Template", "render"),
        ("tags", "django.template.library", "SimpleNode", "render"),
        ("tags", "django.template.library", "InclusionNode", "render"),
        ("tags", "django.templatetags.cache", "CacheNode", "render"),
    )

    def __init__(self):
        self.totals: dict[str, float] = {}
        self._depth: dict[str, int] = {}

    def install(self) -> None:
        import importlib

        for key, module, owner_name, attr in self.PLACES:
            owner = getattr(importlib.import_module(module), owner_name)
            owner = next(klass for klass in owner.__mro__ if attr in klass.__dict__)  # where it is defined
            raw = owner.__dict__[attr]
            if isinstance(raw, staticmethod):
                setattr(owner, attr, staticmethod(self._timed(key, raw.__func__)))
            elif isinstance(raw, classmethod):
                setattr(owner, attr, classmethod(self._timed(key, raw.__func__)))
            else:
                setattr(owner, attr, self._timed(key, raw))

    def _timed(self, key, func):
        import functools

        self.totals.setdefault(key, 0.0)
        self._depth.setdefault(key, 0)

        @functools.wraps(func)
        def timed(*args, **kwargs):
            if self._depth[key]:
                return func(*args, **kwargs)
            self._depth[key] += 1
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.totals[key] += time.perf_counter() - started
                self._depth[key] -= 1

        return timed

    def take(self) -> dict:
        taken = dict(self.totals)
        for key in self.totals:
            self.totals[key] = 0.0
        return taken


def page_list():
    """(name, role, path): the signed-in pages of issue 20 and, for scale, an uncached content page."""
    from django.urls import reverse
    from wagtail.models import Page

    from bench.generate import HOT_SLUG
    from meetings.models import Minutes

    meeting = (
        Minutes.objects.filter(state="published").order_by("pk").values_list("meeting_id", flat=True).first()
    )
    content = (
        Page.objects.live()
        .public()
        .filter(
            content_type__app_label="portal", content_type__model="contentpage", locale__language_code="sv"
        )
        .order_by("path")
        .first()
    )
    return [
        ("member home", "member", "/"),
        ("member consultation, 500 comments", "member", reverse("consultations:detail", args=[HOT_SLUG])),
        ("member inbox", "member", reverse("notifications:inbox")),
        ("member meeting page", "member", reverse("meetings:detail", kwargs={"pk": meeting})),
        (
            "org admin response draft",
            "org_admin",
            reverse("consultations:response", kwargs={"slug": HOT_SLUG}),
        ),
        ("coordinator hub", "coordinator", reverse("coordinator_hub")),
        ("coordinator workspace", "coordinator", reverse("workspace_home")),
        ("content page (member, uncached)", "member", content.url if content else "/"),
    ]


def _clients():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench import BENCH_COORDINATOR, BENCH_MEMBER, BENCH_ORG_ADMIN

    clients = {}
    for role, email in (
        ("member", BENCH_MEMBER),
        ("org_admin", BENCH_ORG_ADMIN),
        ("coordinator", BENCH_COORDINATOR),
    ):
        person = get_user_model().objects.get(email=email)
        try:  # signed-in pages redirect to the consent page until the current privacy terms are accepted
            from privacy.services import consent_record

            consent_record(user=person)
        except ImportError:
            pass
        client = Client()
        client.force_login(person)
        clients[role] = client
    return clients


def measure(runs: int, warmup: int, top: int, only: list[str]) -> list[dict]:
    from django.db import connection

    clients = _clients()
    timers = Timers()
    timers.install()
    results = []
    for name, role, path in page_list():
        if only and name not in only:
            continue
        client = clients[role]
        for _ in range(warmup):
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} answered {response.status_code} {response.get('Location', '')}")
        walls, counts, sql_times, splits = [], [], [], []
        for _ in range(runs):
            sql = []

            def timed(execute, statement, params, many, context, sql=sql):
                started = time.perf_counter()
                try:
                    return execute(statement, params, many, context)
                finally:
                    sql.append(time.perf_counter() - started)

            timers.take()
            with connection.execute_wrapper(timed):
                started = time.perf_counter()
                client.get(path)
                walls.append((time.perf_counter() - started) * 1000)
            counts.append(len(sql))
            sql_times.append(sum(sql) * 1000)
            splits.append(timers.take())
        if top:
            profile = cProfile.Profile()
            profile.enable()
            client.get(path)
            profile.disable()
            print(f"--- {name}: top {top} functions by cumulative time (one request under cProfile)")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(top)

        def median_ms(key, splits=splits):
            return round(statistics.median(split.get(key, 0.0) for split in splits) * 1000, 1)

        middleware = [(s["handler"] - s["view"]) * 1000 for s in splits]
        row = {
            "page": name,
            "path": path,
            "wall_ms": round(statistics.median(walls), 1),
            "min_ms": round(min(walls), 1),
            "queries": max(counts),
            "queries_min": min(counts),
            "sql_ms": round(statistics.median(sql_times), 1),
            "middleware_ms": round(statistics.median(middleware), 1),
            **{f"{key}_ms": median_ms(key) for key in ("site", "page_urls", "rows", "templates", "tags")},
            "kib": len(response.content) // 1024,
        }
        results.append(row)
        print(
            f"  {name:<36} {row['wall_ms']:7.1f} ms  {row['queries']:3d} q  sql {row['sql_ms']:5.1f}"
            f"  mw {row['middleware_ms']:5.1f}  site {row['site_ms']:5.1f}  urls {row['page_urls_ms']:5.1f}"
            f"  rows {row['rows_ms']:5.1f}  tpl {row['templates_ms']:6.1f}  tags {row['tags_ms']:5.1f}",
            flush=True,
        )
    return results


def markdown(rows: list[dict]) -> str:
    lines = [
        "| page | wall ms (min) | queries | SQL ms | middleware | site lookup | page URLs / routing | rows"
        " | templates | of which tags |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        queries = (
            f"{r['queries_min']}–{r['queries']}" if r["queries"] != r["queries_min"] else str(r["queries"])
        )
        lines.append(
            f"| {r['page']} | {r['wall_ms']:.1f} ({r['min_ms']:.1f}) | {queries} | {r['sql_ms']:.1f}"
            f" | {r['middleware_ms']:.1f} | {r['site_ms']:.1f} | {r['page_urls_ms']:.1f} | {r['rows_ms']:.1f}"
            f" | {r['templates_ms']:.1f} | {r['tags_ms']:.1f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--top", type=int, default=0, help="also print cProfile's N costliest functions")
    parser.add_argument("--cache", choices=("locmem", "dummy"), default="locmem")
    parser.add_argument("--only", action="append", default=[], help="a page name (repeatable)")
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
    backend = {
        "locmem": "django.core.cache.backends.locmem.LocMemCache",
        "dummy": "django.core.cache.backends.dummy.DummyCache",
    }[args.cache]
    with override_settings(
        CACHES={"default": {"BACKEND": backend, "LOCATION": "bench-profile"}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ALLOWED_HOSTS=["*"],
    ):
        load = os.getloadavg()
        print(
            f"Database {settings.DATABASES['default']['NAME']}; cache {args.cache};"
            f" median of {args.runs} after"
            f" {args.warmup}; load average {load[0]:.2f} {load[1]:.2f}"
        )
        rows = measure(args.runs, args.warmup, args.top, args.only)
        load_after = os.getloadavg()
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f}\n")
    print(markdown(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({"load": [load, load_after], "pages": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
