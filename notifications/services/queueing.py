"""Handing rows to the broker after commit; a broker that is down leaves them for the sweeper."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from notifications.models import Delivery, DigestRun, Outbox

from .common import _CHUNK, PUBLISH_RETRY_POLICY, _chunks, logger


def _due_for_the_sweeper(model, ids: list[int]) -> None:
    """Marks rows that could not be handed to the broker as long past due, so that the next sweep
    (every minute, or a worker reconnecting) queues them, instead of the one after the usual delay."""
    stale = timezone.now() - timedelta(minutes=settings.NOTIFICATIONS_REQUEUE_AFTER_MINUTES, seconds=1)
    try:
        for chunk in _chunks(list(ids), _CHUNK):
            model.objects.filter(pk__in=chunk, status="pending").update(queued_at=stale)
    except Exception:  # the rows keep their time; the sweeper only takes them a little later
        logger.exception("Could not mark %d %s row(s) for the sweeper", len(ids), model.__name__)


def enqueue_outbox(outbox_ids: list[int]) -> bool:
    """Hands deferred events to the broker after commit; a broker that is down is logged, and the
    sweeper expands the rows later."""
    from notifications import tasks

    try:
        for outbox_id in outbox_ids:
            tasks.expand_outbox.apply_async((outbox_id,), retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        logger.exception(
            "Could not queue %d notification event(s); the sweeper will expand them later.", len(outbox_ids)
        )
        _due_for_the_sweeper(Outbox, outbox_ids)
        return False
    return True


def enqueue_deliveries(delivery_ids: list[int]) -> bool:
    """Hands deliveries to the broker, a task per batch. Runs after commit.

    When the broker is unreachable the error is logged and swallowed: the rows are committed and the
    sweeper (`notifications.requeue_stale`) queues them again, so the web request still succeeds.
    """
    from notifications import tasks

    try:
        if len(delivery_ids) == 1:
            tasks.send_delivery.apply_async((delivery_ids[0],), retry_policy=PUBLISH_RETRY_POLICY)
        else:
            for chunk in _chunks(delivery_ids, max(1, settings.NOTIFICATIONS_BATCH_SIZE)):
                tasks.send_delivery_batch.apply_async((chunk,), retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        logger.exception(
            "Could not queue %d notification e-mail(s); they stay pending "
            "and will be queued again by the sweeper.",
            len(delivery_ids),
        )
        _due_for_the_sweeper(Delivery, delivery_ids)
        return False
    return True


def enqueue_digest_runs(run_ids: list[int]) -> bool:
    from notifications import tasks

    try:
        for run_id in run_ids:
            tasks.send_digest.apply_async((run_id,), retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        logger.exception("Could not queue %d digest(s); the sweeper will queue them again.", len(run_ids))
        _due_for_the_sweeper(DigestRun, run_ids)
        return False
    return True
