"""The install step of `make run` / `make test`: exactly the lock, a one-line failure without the package
index, and recovery by running the same command again."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _make(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV", "MAKE"))}
    environment.update(env)
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            *args,
            f"VENV={tmp_path / 'venv'}",
            f"INSTALL_LOG={tmp_path / 'install.log'}",
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_lock_matches_pyproject():
    done = subprocess.run(["make", "-s", "-C", str(ROOT), "lock-check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_install_without_the_index_fails_in_one_line_and_a_second_run_recovers(tmp_path):
    offline = _make(tmp_path, "install", UV_OFFLINE="1", UV_CACHE_DIR=str(tmp_path / "empty-cache"))
    assert offline.returncode != 0
    lines = [line for line in offline.stderr.splitlines() if line.strip() and "***" not in line]
    assert len(lines) == 1, offline.stderr
    assert lines[0].startswith("make: could not install the locked dependencies"), lines
    assert "Traceback" not in offline.stdout + offline.stderr
    assert not (tmp_path / "venv" / ".installed-run").exists()
    # Back online (the shared cache): the same command completes the half-made environment.
    again = _make(tmp_path, "install")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "venv" / ".installed-run").exists()
    django = subprocess.run(
        [
            str(tmp_path / "venv" / "bin" / "python"),
            "-c",
            "import django, wagtail; print(django.__version__)",
        ],
        capture_output=True,
        text=True,
    )
    assert django.returncode == 0 and django.stdout.startswith("5.2"), django.stderr
