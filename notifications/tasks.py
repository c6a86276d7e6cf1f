"""Celery tasks of the notifications app: thin wrappers that take ids and call a service.

Every task is safe to run twice: the services claim a pending row before sending and mark it sent in
the same transaction, which is what makes `acks_late` (redelivery after a worker dies) harmless.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.core.mail import get_connection

from notifications import services

logger = logging.getLogger(__name__)

# acks_late with reject_on_worker_lost: a task whose worker dies goes back to the queue (at once when
# a pool process dies, after the broker's visibility timeout when the whole worker does).
_TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(name="notifications.send_delivery", bind=True, max_retries=None, **_TASK_OPTIONS)
def send_delivery(self, delivery_id: int) -> str:
    """Sends one e-mail delivery; retries SMTP failures with exponential backoff.

    The number of attempts is kept on the row (so it survives a re-queue by the sweeper) and the
    service marks the delivery failed when they run out, which ends the retries.
    """
    outcome = services.delivery_send(delivery_id=delivery_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    # Run eagerly (no broker), the retry is left to the sweeper rather than done inside a request.
    return outcome.status


@shared_task(name="notifications.send_delivery_batch", **_TASK_OPTIONS)
def send_delivery_batch(delivery_ids: list[int]) -> dict:
    """Sends a batch of deliveries over one SMTP connection, reading what they need in bulk.

    On the first transient failure the rest of the batch is handed to `send_delivery` one by one
    (after the backoff), so a dead mail server costs one timeout here, not one per message.
    """
    counts: dict[str, int] = {}
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        logger.warning("Mail connection could not be opened; sending message by message", exc_info=True)
        connection = None
    try:
        outcomes = services.deliveries_send(delivery_ids=delivery_ids, connection=connection)
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # the connection may already be broken
                pass
    for _pk, outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    retries = [(pk, outcome.retry_in) for pk, outcome in outcomes if outcome.retry_in is not None]
    if retries:
        retry_in = max(delay for _pk, delay in retries)
        done = {pk for pk, _outcome in outcomes}
        rest = [pk for pk in delivery_ids if pk not in done]
        counts["handed-over"] = len(rest)
        if not send_delivery_batch.request.is_eager:  # without a broker the sweeper retries them
            for pk in [*(pk for pk, _delay in retries), *rest]:
                send_delivery.apply_async((pk,), countdown=retry_in)
    return counts


@shared_task(name="notifications.expand_outbox", **_TASK_OPTIONS)
def expand_outbox(outbox_id: int) -> int:
    """Writes the inbox rows and deliveries of a large event after the request that raised it, and
    queues its e-mails. Safe to run twice (the row is claimed; all rows have unique keys)."""
    result = services.outbox_expand(outbox_id=outbox_id)
    return result.deliveries_created if result else 0


@shared_task(name="notifications.send_digest", bind=True, max_retries=None, **_TASK_OPTIONS)
def send_digest(self, run_id: int) -> str:
    """Sends one user's digest for one period; retried like a delivery."""
    outcome = services.digest_send(run_id=run_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="notifications.send_digests", ignore_result=True)
def send_digests(frequency: str) -> int:
    """Beat: daily and weekly at 07:00 Stockholm time; makes and queues this period's digests.

    Idempotent per user and period, so a beat that fires twice sends each digest once.
    """
    return len(services.digest_runs_create(frequency=frequency))


@shared_task(name="notifications.requeue_stale", ignore_result=True)
def requeue_stale(older_than_seconds: int | None = None) -> tuple[int, int]:
    """Beat, every minute: queues again e-mail that is still pending long after it was due. A worker
    that (re)connects to the broker sends it with 0: everything pending is queued again at once."""
    older_than = timedelta(seconds=older_than_seconds) if older_than_seconds is not None else None
    return services.requeue_stale(older_than=older_than)


@shared_task(name="notifications.purge_read", ignore_result=True)
def purge_read() -> int:
    """Beat, nightly: deletes read inbox notifications past the retention period."""
    return services.notifications_purge_read()
