"""Archive packages in bounded memory: one package of a concluded consultation with 500 submitted
responses and 200 MB of attached files (issue #17, "Bad input and limits"). Not part of the test run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/archive_memory.py [--responses 500] [--megabytes 200] [--rounds 3] [--keepdb]

It makes its own throw-away database (`bench_archive_<name>`, not the tests' `test_<name>`) and a
temporary private-media folder, fills them with `tests/opendata/archive_load.py` (one random-byte file
per response, saved through the private storage the response files use), then builds the package with
`opendata.archive.build_package` into a temporary file, `--rounds` times. For each round it prints:

- **peak RSS growth**: the process's high-water mark (`VmHWM` in /proc/self/status, reset before each
  round by writing 5 to /proc/self/clear_refs, after glibc's `malloc_trim(0)` has handed freed heap
  back) less its resident size (`VmRSS`) just before the round; and both absolute figures;
- the package's size, the seconds it took, and the load average (1 minute) before and after.

A last round runs under tracemalloc and prints its peak of Python allocations. Linux only (the /proc
files); the temporary folders are removed at the end.
"""

import argparse
import ctypes
import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
MiB = 1024 * 1024


def status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def reset_peak() -> None:
    """Gives freed heap memory back to the system (glibc keeps it otherwise, and the build would reuse
    it unseen), then resets the high-water mark to the resident size."""
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--responses", type=int, default=500)
    parser.add_argument("--megabytes", type=float, default=200, help="attachments in all, MiB")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keepdb", action="store_true", help="keep (and reuse) the database")
    args = parser.parse_args()

    media = tempfile.mkdtemp(prefix="bench-archive-media-")
    os.environ["DJANGO_PRIVATE_MEDIA_ROOT"] = media
    import django

    django.setup()
    import tracemalloc

    from django.db import connection
    from django.test.utils import setup_test_environment

    from opendata.archive import build_package
    from tests.opendata.archive_load import concluded_consultation_with_files

    setup_test_environment()  # DEBUG off: no query log growing with the run
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        "bench_archive_" + connection.settings_dict["NAME"]
    )
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keepdb, serialize=False)
    out_dir = tempfile.mkdtemp(prefix="bench-archive-out-")
    try:
        file_size = int(args.megabytes * MiB / args.responses)
        # The files live in this run's temporary folder, so every run makes its own data (a kept
        # database keeps the rows of earlier runs too, under other labels: they are not packaged).
        started = time.perf_counter()
        consultation = concluded_consultation_with_files(
            responses=args.responses, file_size=file_size, label=f"bench-{time.time():.0f}"
        )
        total = args.responses * file_size
        print(
            f"Data: {args.responses} responses, one file of {file_size / 1024:.0f} KiB each, "
            f"{total / MiB:.0f} MiB of attachments ({time.perf_counter() - started:.0f} s to make)."
        )
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load()} before.\n")
        print(
            "| round | RSS before MiB | peak RSS MiB | peak growth MiB | growth / attachments "
            "| package MiB | seconds | load before → after |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---|")
        for n in range(1, args.rounds + 1):
            path = Path(out_dir, f"package-{n}.zip")
            gc.collect()
            before_load = load()
            reset_peak()
            baseline = status_kib("VmRSS")
            started = time.perf_counter()
            with open(path, "wb") as out:
                summary = build_package(consultation, out)
            elapsed = time.perf_counter() - started
            peak_rss = status_kib("VmHWM") * 1024
            growth = peak_rss - baseline * 1024
            size = path.stat().st_size
            attached = sum(f["size"] for f in summary["files"] if f["path"].endswith(".pdf"))
            assert attached == total, (attached, total)
            print(
                f"| {n} | {baseline / 1024:.0f} | {peak_rss / MiB:.0f} | {growth / MiB:.1f} "
                f"| {growth / total:.3f} | {size / MiB:.0f} | {elapsed:.1f} "
                f"| {before_load} → {load()} |"
            )
            path.unlink()
        gc.collect()
        tracemalloc.start()
        with open(Path(out_dir, "traced.zip"), "wb") as out:
            build_package(consultation, out)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"\ntracemalloc round: peak of Python allocations {peak / MiB:.1f} MiB for {total / MiB:.0f} MiB."
        )
        print(f"Load average {load()} after.")
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
        if not args.keepdb:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
