"""CPU time of one page-cache hit against the bare Django view, in-process, no network.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_s1 .venv/bin/python -m bench.cache_hit

Calls the WSGI application that gunicorn serves (`portal.wsgi.application`, production settings, Redis at
BENCH_REDIS_URL, default db 7) directly with a made-up environ, as gunicorn would, and the bare view's
(`bench.bare.wsgi`) the same way, each in its own process; prints microseconds per request, the median of
five rounds of `--requests` requests after a warm-up that fills the cache. It shows what the load figures
(bench/load.sh) cannot separate from gunicorn and wrk: what answering from the cache costs in Python.
Needs a database made by `bench.generate` (the 500-comment consultation) and `collectstatic` having run
into DJANGO_STATIC_ROOT (bench/load.sh does both; default /tmp/portal-bench-static).
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/samraden/", "/samraden/stort-samrad-500-kommentarer/", "/moten/", "/organisationer/"]


def environ(path):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8181",
        "HTTP_HOST": "127.0.0.1:8181",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def measure(application, path, requests):
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    def one():
        result = application(environ(path), start_response)
        size = sum(len(chunk) for chunk in result)
        if hasattr(result, "close"):
            result.close()
        return size

    for _ in range(20):
        size = one()
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(requests):
            one()
        rounds.append((time.perf_counter() - start) / requests * 1e6)
    return seen["status"], seen["headers"].get("X-Page-Cache", "-"), size, statistics.median(rounds)


def child(kind, requests):
    sys.path.insert(0, str(ROOT))
    if kind == "bare":
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare.settings"
        from bench.bare.wsgi import application

        paths = ["/"]
    else:
        from portal.wsgi import application

        paths = PAGES
    for path in paths:
        status, cache, size, micros = measure(application, path, requests)
        print(f"| {kind} {path} | {status} | {cache} | {size:,} | {micros:.0f} |", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests per round (default 2000)")
    parser.add_argument("--child", choices=["bare", "portal"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.requests)
        return 0
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
            "DJANGO_PRODUCTION": "true",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-cache-hit-" + "x" * 48,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_ROOT": os.environ.get(
                "DJANGO_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "portal-bench-static")
            ),
            "DJANGO_LOG_LEVEL": "WARNING",
            "PORTAL_PAGE_CACHE_SECONDS": "600",
        }
    )
    print("| request | status | X-Page-Cache | bytes | µs per request (median of 5 rounds) |")
    print("|---|---|---|---:|---:|")
    for kind in ("bare", "portal"):
        subprocess.run(
            [sys.executable, "-m", "bench.cache_hit", "--child", kind, "--requests", str(args.requests)],
            env=env,
            cwd=ROOT,
            check=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
