"""Server time of the consultation page with many comments, for a visitor, a member and a coordinator.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench5 \\
        .venv/bin/python -m bench.consultation_render [--runs 10] [--slug stort-samrad-500-kommentarer] \\
        [--profile member]

Runs against a database filled by `python -m bench.generate` (read only: it creates sessions through the
test client and nothing else). Each request goes through the whole middleware stack with `DEBUG` off and
the anonymous page cache switched off (`PORTAL_PAGE_CACHE_SECONDS=0`), so the figure is the uncached
render: view, queries and templates. Prints the median, minimum and maximum wall time of `--runs`
requests, and the median CPU time of this process (less disturbed by other load on the machine), after
two warm-up requests (which fill the cached template loader), the size of the page and its query count.
`--profile ROLE` prints a cProfile summary of one more request for that role.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DJANGO_DEBUG"] = "false"
os.environ["PORTAL_PAGE_CACHE_SECONDS"] = "0"

ROLES = {
    "visitor": None,
    "member": "bench-member@example.org",
    "coordinator": "bench-coordinator@example.org",
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--slug", default="stort-samrad-500-kommentarer")
    parser.add_argument("--profile", choices=sorted(ROLES), default="")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    path = f"/samraden/{args.slug}/"
    print(f"{path}  ({args.runs} runs each, DEBUG off, page cache off)")
    for role, email in ROLES.items():
        client = Client(HTTP_HOST="127.0.0.1")
        if email:
            client.force_login(get_user_model().objects.get(email=email))
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200, (role, response.status_code)
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        print(
            f"{role:12} median {statistics.median(times):7.1f} ms  min {min(times):7.1f}  "
            f"max {max(times):7.1f}  (CPU median {statistics.median(cpu):6.1f})  "
            f"{len(response.content) // 1024} KiB  {len(queries)} queries"
        )
        if role == args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            client.get(path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
