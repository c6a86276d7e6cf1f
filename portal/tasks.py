from celery import shared_task


@shared_task(name="portal.heartbeat")
def heartbeat() -> str:
    """Proves that beat and a worker are alive (the beat schedule calls it); safe to run any number of times."""
    from django.core.cache import cache
    from django.utils import timezone

    now = timezone.now().isoformat()
    cache.set("portal:worker-heartbeat", now, timeout=60 * 30)
    return now


@shared_task(name="portal.add")
def add(x: int, y: int) -> int:
    """A trivial task used by the health check and the integration tests to prove the round trip."""
    return x + y
