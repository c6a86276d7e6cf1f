"""The demo set-up of `make run`: SQLite, kombu's filesystem broker, a real Celery worker with beat, e-mail
as files. Beat itself (not the test) starts the reminder task, and a reminder e-mail arrives."""

import os
import signal
import subprocess
import sys
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def _demo_env(tmp_path: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REDIS_URL", "CELERY_", "DJANGO_", "PORTAL_", "SITE_URL"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        PORTAL_RUN_DIR=str(tmp_path / "run"),
        PORTAL_PORT="8101",
        PORTAL_BEAT_EVERY_SECONDS="2",
    )
    return env


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _subjects(mail_dir: Path) -> list[str]:
    subjects = []
    for path in mail_dir.glob("*.log"):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                subject = message_from_bytes(raw.strip())["Subject"] or ""
                subjects.append(str(make_header(decode_header(subject))))
    return subjects


def test_beat_sends_a_meeting_reminder_in_the_demo(tmp_path):
    env = _demo_env(tmp_path)
    _manage(env, "seed_demo", "--migrate")
    # The demo's next meeting, moved to tomorrow: it is now due for the reminder the hourly beat entry sends.
    title = (
        _manage(
            env,
            "shell",
            "-c",
            "from datetime import timedelta; from django.utils import timezone;"
            "from meetings.models import Meeting;"
            "m = Meeting.objects.filter(start__gt=timezone.now()).order_by('start').first();"
            "length = m.end - m.start; m.start = timezone.now() + timedelta(days=1);"
            "m.end = m.start + length;"
            "m.rsvp_deadline = None; m.save(); print(m.title)",
        )
        .strip()
        .splitlines()[-1]
    )
    mail_dir = tmp_path / "run" / "mail"
    worker = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "portal",
            "worker",
            "--beat",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--schedule={tmp_path / 'run' / 'beat-schedule'}",
            "--loglevel=info",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        reminders: list[str] = []
        while time.monotonic() < deadline and not reminders:
            assert worker.poll() is None, worker.stdout.read()[-3000:]
            reminders = [s for s in _subjects(mail_dir) if title in s] if mail_dir.exists() else []
            time.sleep(0.5)  # polling interval while waiting for the condition, not a fixed wait
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        output = worker.communicate(timeout=30)[0]
    assert reminders, f"no reminder e-mail for {title!r}; worker said:\n{output[-3000:]}"
    # Sent by beat's schedule, through the filesystem broker, to the worker.
    assert "Sending due task meetings-send-reminders" in output
    assert "Task meetings.send_reminders" in output
    # Links follow the demo's address (PORTAL_PORT, set by `make run PORT=...`), not a fixed port 8000.
    bodies = "".join(p.read_text(errors="replace") for p in mail_dir.glob("*.log"))
    assert "http://127.0.0.1:8101/" in bodies and "127.0.0.1:8000" not in bodies
