import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_pending_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"A model change has no migration:\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()


PRODUCTION_ENV = {
    "DJANGO_PRODUCTION": "true",
    "DJANGO_SECRET_KEY": "k" * 20 + "a-long-random-production-secret-value-for-tests-1234567890",
    "DJANGO_ALLOWED_HOSTS": "referensgrupp.example.se",
}


def test_check_deploy_is_clean_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    env = {**PRODUCTION_ENV}
    del env["DJANGO_SECRET_KEY"]
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_requires_allowed_hosts():
    env = {**PRODUCTION_ENV}
    del env["DJANGO_ALLOWED_HOSTS"]
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_defaults_need_no_service():
    """With nothing set: SQLite, console e-mail and in-process tasks."""
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='portal.settings';django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.EMAIL_BACKEND, s.CELERY_TASK_ALWAYS_EAGER, s.TIME_ZONE,"
        " s.LANGUAGE_CODE)"
    )
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_", "CELERY_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.mail.backends.console.EmailBackend",
        "True",
        "Europe/Stockholm",
        "sv",
    ]


def test_coordinators_group_exists():
    assert Group.objects.filter(name="Coordinators").exists()
    group = Group.objects.get(name="Coordinators")
    assert group.permissions.filter(codename="access_admin").exists()


def test_health_reports_each_service(client, settings):
    response = client.get("/health/")
    body = response.json()
    assert body["database"] == "ok"
    if settings.REDIS_URL:
        assert body["redis"] == "ok"
    else:
        assert body["redis"] == "not configured"
    # The test settings run tasks in-process, so no worker is expected here; the integration test
    # checks the answer with a real worker.
    assert body["worker"] == "not configured"
    assert response.status_code == 200
    assert body["status"] == "ok"


def test_health_is_degraded_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/health/")
    # The pages still answer from the database, so the portal is degraded, not down.
    assert response.status_code == 200
    assert response.json()["redis"] == "error"
    assert response.json()["status"] == "degraded"
    assert "redis" in response.json()["failing"]
