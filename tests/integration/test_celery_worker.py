"""A real Celery worker, started by the test, runs tasks through the real Redis."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from portal.celery import app
from portal.tasks import add, heartbeat
from tests.conftest import require_service

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def worker():
    require_service("REDIS_URL", settings.REDIS_URL)
    app.loader.import_module("celery.contrib.testing.tasks")
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as w:
        yield w


def test_task_round_trip_through_redis(worker):
    result = add.delay(2, 3)
    assert result.get(timeout=20) == 5


def test_heartbeat_writes_the_shared_cache(worker):
    from django.core.cache import cache

    cache.delete("portal:worker-heartbeat")
    stamp = heartbeat.delay().get(timeout=20)
    assert cache.get("portal:worker-heartbeat") == stamp


def test_health_is_ok_with_a_worker(worker, client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/health/")
    assert response.json() == {"status": "ok", "failing": [], "database": "ok", "redis": "ok", "worker": "ok"}
    assert response.status_code == 200
