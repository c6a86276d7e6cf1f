"""A real Celery worker, through the real Redis, builds an export that the person asked for on the page."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from portal.celery import app
from portal.models import DataExport
from tests.conftest import require_service
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def worker():
    require_service("REDIS_URL", settings.REDIS_URL)
    app.loader.import_module("celery.contrib.testing.tasks")
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as w:
        yield w


def test_export_is_built_by_the_worker_and_the_person_is_mailed(worker, client, mailoutbox, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    user = UserFactory(display_name="Vera Verklig")
    client.force_login(user)
    response = client.post("/konto/mina-uppgifter/export/")
    export = DataExport.objects.get(user=user)
    assert response["Location"] == export.get_absolute_url()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if export.status == "done" and mailoutbox:
            break
        time.sleep(0.2)
    assert export.status == "done"
    assert client.get(export.get_download_url()).status_code == 200
    assert [m.to for m in mailoutbox] == [[user.email]]
