import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means the database does not answer
        logger.exception("Health check: database does not answer")
        return "error"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
        return "ok"
    except Exception:  # noqa: BLE001
        logger.warning("Health check: Redis does not answer", exc_info=True)
        return "error"


def _check_worker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not configured"
    from portal.celery import app

    try:
        replies = app.control.inspect(timeout=1.5).ping() or {}
        return "ok" if replies else "error"
    except Exception:  # noqa: BLE001
        logger.warning("Health check: no Celery worker answers", exc_info=True)
        return "error"


@never_cache
@require_GET
def health(request):
    """JSON state of the database, Redis and the worker.

    200 "ok" when all that is configured answers; 200 "degraded" (naming what fails) when the database
    answers but Redis or the worker does not, since pages are still served and notifications wait in the
    outbox; 503 "error" only when the database does not answer.
    """
    checks = {"database": _check_database(), "redis": _check_redis()}
    checks["worker"] = _check_worker() if checks["redis"] != "error" else "error"
    failing = [name for name, state in checks.items() if state not in ("ok", "not configured")]
    if checks["database"] != "ok":
        return JsonResponse({"status": "error", "failing": failing, **checks}, status=503)
    return JsonResponse({"status": "degraded" if failing else "ok", "failing": failing, **checks}, status=200)


@require_GET
def favicon(request):
    """/favicon.ico: a permanent redirect to the icon among the static files (served by WhiteNoise, with
    its long cache lifetime and hashed name in production). No third party is asked for it."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("favicon.ico"))
