"""Load figures: the portal under gunicorn against a bare Django view, same machine, same run.

    bench/load.sh                       # scale 1, both passes (page cache on, then off), ~5 minutes
    bench/load.sh --scale 0.1 --duration 5 --passes cached
    bench/load.sh --mixed               # and afterwards locust: 100 users for 2 minutes

Steps: install `wrk` (Debian package) when missing; create and migrate the PostgreSQL database
(DATABASE_URL, default postgres://postgres@127.0.0.1:5432/portal_load); generate the data set with
`bench.generate --scale N` unless the database already holds it; collectstatic; start the portal
(gunicorn, 2 sync workers, production settings: DEBUG off, Redis at REDIS_URL, default db 7) and the bare
view of bench/bare with the same gunicorn options; drive each page with wrk on loopback (20 connections,
15 s by default) and print requests per second, p50 and p95 latency and the ratio to the bare view.
The servers are stopped at the end, also on Ctrl-C or failure.

Production settings want HTTPS: every request carries `X-Forwarded-Proto: https`, as the TLS proxy in front
of the portal would send (SECURE_PROXY_SSL_HEADER), and the redirect to HTTPS is off on loopback.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").is_dir() else sys.executable
BIN = Path(PYTHON).parent
PORTAL_PORT = 8181
BARE_PORT = 8182
HTTPS_HEADER = "X-Forwarded-Proto: https"
WRK_LUA = ROOT / "bench" / "wrk_report.lua"

# Targets of issue #8 at scale 1: share of the bare view's throughput, and p95 at 20 connections.
TARGETS = {
    "home": 0.70,
    "consultation list": 0.70,
    "consultation (500 comments)": 0.40,
    "meeting list": 0.70,
    "directory": 0.70,
}
P95_TARGET_MS = 150


def log(message: str) -> None:
    print(f"[load] {message}", flush=True)


def run(cmd, env=None, check=True, **kwargs):
    return subprocess.run(cmd, env=env, check=check, cwd=ROOT, **kwargs)


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    log("wrk is missing: installing the Debian package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    result = subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=False)
    if result.returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-q"], check=False)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=True)


def ensure_database(url: str) -> None:
    import psycopg

    match = re.match(r"postgres(?:ql)?://[^/]*/(?P<name>\w+)$", url)
    if not match:
        raise SystemExit(f"Only a PostgreSQL DATABASE_URL is supported here, not {url!r}")
    admin_url = url[: match.start("name")] + "postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [match["name"]]).fetchone()
        if not exists:
            log(f"creating database {match['name']}")
            conn.execute(f'CREATE DATABASE "{match["name"]}"')


def production_env(args, static_root: str, page_cache: bool) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "DJANGO_PRODUCTION": "true",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": args.secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "SITE_URL": f"https://127.0.0.1:{PORTAL_PORT}",
            "DJANGO_STATIC_ROOT": static_root,
            "DJANGO_LOG_LEVEL": "WARNING",
            "PORTAL_PAGE_CACHE_SECONDS": env.get("PORTAL_PAGE_CACHE_SECONDS", "120") if page_cache else "0",
        }
    )
    return env


ACCEPT_TERMS = """
import django
django.setup()
from django.contrib.auth import get_user_model
try:
    from portal.models import PrivacyConsent
    from privacy.services import current_terms_version
except ImportError:
    raise SystemExit(0)
from django.utils import timezone
version = current_terms_version()
done = set(PrivacyConsent.objects.filter(version=version).values_list("user_id", flat=True))
users = get_user_model().objects.exclude(pk__in=done).values_list("pk", flat=True)
PrivacyConsent.objects.bulk_create(
    [PrivacyConsent(user_id=pk, version=version, accepted_at=timezone.now()) for pk in users],
    batch_size=1000,
)
"""


def accept_privacy_terms(env) -> None:
    """The bench people accept the current privacy terms, as each real person does at their first log-in
    (otherwise every signed-in page is a redirect to the consent page). Safe to repeat."""
    run([PYTHON, "-c", ACCEPT_TERMS], env=env)


def has_bench_data(env) -> bool:
    code = (
        "import django; django.setup(); from django.contrib.auth import get_user_model; from bench import "
        "BENCH_MEMBER; print(get_user_model().objects.filter(email=BENCH_MEMBER).exists())"
    )
    out = run([PYTHON, "-c", code], env=env, capture_output=True, text=True).stdout.strip()
    return out.endswith("True")


class Server:
    def __init__(self, name, wsgi, port, env, workers, threads=1):
        self.name, self.port = name, port
        cmd = [
            str(BIN / "gunicorn"),
            wsgi,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ]
        self.log_file = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait(self, path="/", timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited; see {self.log_file.name}")
            try:
                fetch(self.port, path)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
        raise SystemExit(f"{self.name} did not answer within {timeout} s; see {self.log_file.name}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def fetch(port, path, cookie=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    request.add_header("X-Forwarded-Proto", "https")
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read(), dict(response.headers)


def wrk(port, path, args, cookie=None) -> dict:
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(WRK_LUA),
        "-H",
        HTTPS_HEADER,
    ]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK_RESULT"))
    values = dict(item.split("=") for item in line.split()[1:])
    return {
        "rps": float(values["rps"]),
        "p50": int(values["p50"]) / 1000,
        "p95": int(values["p95"]) / 1000,
        "p99": int(values["p99"]) / 1000,
        "errors": int(values["errors"]),
        "requests": int(values["requests"]),
    }


def pages(member_cookie) -> list[tuple[str, str, str | None, str]]:
    """(label, path, cookie, text the page must contain) for every page measured."""
    from bench.generate import HOT_SLUG

    return [
        ("home", "/", None, "<main"),
        ("consultation list", "/samraden/", None, "consultation-list"),
        ("consultation (500 comments)", f"/samraden/{HOT_SLUG}/", None, "draft-section"),
        ("meeting list", "/moten/", None, "<main"),
        ("directory", "/organisationer/", None, "<main"),
        ("inbox (signed in)", "/notiser/", member_cookie, "notifications-link"),
    ]


def measure_pass(label, args, env, member_cookie, bare_result) -> list[dict]:
    log(f"pass '{label}': starting the portal")
    portal = Server("portal", "portal.wsgi", PORTAL_PORT, env, args.workers, args.gunicorn_threads)
    rows = []
    try:
        portal.wait("/")
        for name, path, cookie, expected in pages(member_cookie):
            status, body, headers = fetch(PORTAL_PORT, path, cookie)
            if status != 200 or expected.encode() not in body:
                raise SystemExit(f"{name} ({path}) answered {status} without {expected!r}: not measuring it")
            for _ in range(3):  # warm up: worker imports, template loading, the page cache
                fetch(PORTAL_PORT, path, cookie)
            result = wrk(PORTAL_PORT, path, args, cookie)
            result.update(name=name, path=path, ratio=result["rps"] / bare_result["rps"])
            result["cache"] = headers.get("X-Page-Cache", "-")
            rows.append(result)
            log(f"  {name:<30} {result['rps']:8.1f} req/s  p95 {result['p95']:6.1f} ms")
    finally:
        portal.stop()
    return rows


def print_table(title, bare, rows, judge=True) -> None:
    """One pass's table; the issue's targets are judged only for the production configuration (`judge`)."""
    print(f"\n{title}")
    print("| page | req/s | p50 ms | p95 ms | ratio to bare | errors | target |")
    print("|---|---:|---:|---:|---:|---:|---|")
    print(
        f"| bare Django view | {bare['rps']:.0f} | {bare['p50']:.1f} | {bare['p95']:.1f} | 1.00 "
        f"| {bare['errors']} | |"
    )
    for row in rows:
        target = TARGETS.get(row["name"]) if judge else None
        verdict = ""
        if target is not None:
            ok = row["ratio"] >= target and row["p95"] <= P95_TARGET_MS
            verdict = f"≥ {target:.0%}, p95 ≤ {P95_TARGET_MS} ms: {'met' if ok else 'MISSED'}"
        print(
            f"| {row['name']} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p95']:.1f} | "
            f"{row['ratio']:.2f} | {row['errors']} | {verdict} |"
        )


def run_locust(args, env) -> int:
    if not (BIN / "locust").exists():
        log("locust is missing: installing the `bench` extra")
        run([PYTHON, "-m", "pip", "install", "-q", "-e", ".[bench]"])
    # One signed-in session per simulated member (see bench/locustfile.py).
    csv_prefix = Path(tempfile.mkdtemp(prefix="bench-locust-")) / "mixed"
    sessions = csv_prefix.parent / "member-sessions.txt"
    sessions.write_text(
        run(
            [PYTHON, "-m", "bench.accounts", "member-sessions", str(args.users)],
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    )
    env = {**env, "BENCH_MEMBER_SESSIONS": str(sessions)}
    portal = Server("portal", "portal.wsgi", PORTAL_PORT, env, args.workers, args.gunicorn_threads)
    try:
        portal.wait("/")
        log(f"mixed traffic: locust, {args.users} users for {args.mixed_time}; CSV in {csv_prefix.parent}")
        result = run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                "20",
                "-t",
                args.mixed_time,
                "--host",
                f"http://127.0.0.1:{PORTAL_PORT}",
                "--csv",
                str(csv_prefix),
                "--only-summary",
            ],
            env=env,
            check=False,
        )
        failures = Path(f"{csv_prefix}_failures.csv")
        lines = failures.read_text().splitlines()[1:] if failures.exists() else []
        print(f"\nMixed traffic: locust exit code {result.returncode}, {len(lines)} kinds of failure")
        for line in lines:
            print(f"  {line}")
        return result.returncode
    finally:
        portal.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_load"),
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"))
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per page (default 15)")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--gunicorn-threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (default 1: sync workers; more: gthread workers)",
    )
    parser.add_argument(
        "--passes",
        default="cached,uncached",
        help="cached = production settings; uncached = the same with the anonymous page cache off",
    )
    parser.add_argument("--mixed", action="store_true", help="then run the locust mixed-traffic scenario")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--mixed-time", default="2m")
    parser.add_argument("--skip-setup", action="store_true", help="no migrate / generate / collectstatic")
    args = parser.parse_args(argv)
    args.secret_key = secrets.token_urlsafe(64)
    sys.path.insert(0, str(ROOT))

    ensure_wrk()
    static_root = str(Path(tempfile.gettempdir()) / "portal-bench-static")
    env = production_env(args, static_root, page_cache=True)
    if not args.skip_setup:
        ensure_database(args.database_url)
        log("migrate")
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env)
        if has_bench_data(env):
            log("the database already holds bench data (pass another DATABASE_URL for another scale)")
        else:
            log(f"generating the data set at scale {args.scale}")
            run([PYTHON, "-m", "bench.generate", "--scale", str(args.scale)], env=env)
        log("collectstatic")
        run([PYTHON, "manage.py", "compilemessages", "--ignore=.venv", "-v0"], env=env, check=False)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=env)
    accept_privacy_terms(env)
    # Start from an empty cache (db 7 is the benchmarks' own).
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    member_cookie = (
        "sessionid="
        + run(
            [PYTHON, "-m", "bench.accounts", "session", "bench-member@example.org"],
            env=env,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .split("=", 1)[-1]
    )

    bare_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"}
    bare = Server("bare", "bench.bare.wsgi", BARE_PORT, bare_env, args.workers, args.gunicorn_threads)
    results = {}
    try:
        bare.wait("/")
        for _ in range(3):
            fetch(BARE_PORT, "/")
        passes = [p.strip() for p in args.passes.split(",") if p.strip()]
        for name in passes:
            log("bare Django view")
            bare_result = wrk(BARE_PORT, "/", args)
            log(f"  bare view {bare_result['rps']:8.1f} req/s  p95 {bare_result['p95']:6.1f} ms")
            pass_env = production_env(args, static_root, page_cache=name == "cached")
            rows = measure_pass(name, args, pass_env, member_cookie, bare_result)
            results[name] = (bare_result, rows)
    finally:
        bare.stop()

    worker_kind = "sync" if args.gunicorn_threads == 1 else f"gthread, --threads {args.gunicorn_threads}"
    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s on loopback, gunicorn "
        f"--workers {args.workers} ({worker_kind}), PostgreSQL {args.database_url.rsplit('/', 1)[-1]}, "
        f"Redis {args.redis_url}, DJANGO_PRODUCTION=true; {os.cpu_count()} CPU(s)"
    )
    titles = {
        "cached": "Production settings (anonymous page cache on; the inbox is never cached):",
        "uncached": "Anonymous page cache off (PORTAL_PAGE_CACHE_SECONDS=0; fragment caches still on):",
    }
    for name, (bare_result, rows) in results.items():
        print_table(titles.get(name, name), bare_result, rows, judge=name == "cached")

    code = 0
    if args.mixed:
        code = run_locust(args, production_env(args, static_root, page_cache=True))
    return code


if __name__ == "__main__":
    sys.exit(main())
