"""Digests: one e-mail per user and period listing the deliveries that waited for it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from notifications import emails, registry
from notifications.models import Delivery, DigestRun, Preference
from notifications.registry import DIGEST_FREQUENCIES, EventType, Frequency

from .common import SendOutcome, _recipient_skip_reason, _record_send_error, _transient_errors, logger
from .preferences import effective_frequency
from .queueing import enqueue_digest_runs


def digest_period(frequency: str, when: datetime) -> str:
    local = timezone.localtime(when)
    if frequency == Frequency.DAILY:
        return local.date().isoformat()
    if frequency == Frequency.WEEKLY:
        year, week, _weekday = local.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"Not a digest frequency: {frequency}")


def digest_runs_create(*, frequency: str, now: datetime | None = None) -> list[int]:
    """Creates this period's digest for every user with pending digest deliveries and queues them.

    Idempotent per (user, frequency, period): a second call in the same period finds the digests
    made and queues only those not yet sent. Returns the ids of the digests queued.
    """
    if frequency not in DIGEST_FREQUENCIES:
        raise ValueError(f"Not a digest frequency: {frequency}")
    now = now or timezone.now()
    period = digest_period(frequency, now)
    waiting = Delivery.objects.pending().filter(
        frequency=frequency, digest_run__isnull=True, created_at__lte=now
    )
    waiting.filter(recipient__isnull=True).update(
        status=Delivery.Status.SKIPPED, last_error="recipient deleted"
    )
    user_ids = list(
        waiting.filter(recipient__isnull=False)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    user_ids += list(
        DigestRun.objects.filter(frequency=frequency, period=period, status=DigestRun.Status.PENDING)
        .exclude(user_id__in=user_ids)
        .values_list("user_id", flat=True)
    )
    run_ids = []
    for user_id in user_ids:
        with transaction.atomic():
            run, created = DigestRun.objects.get_or_create(
                user_id=user_id,
                frequency=frequency,
                period=period,
                defaults={"created_at": now, "queued_at": now},
            )
            if created:
                waiting.filter(recipient_id=user_id).update(digest_run=run)
            if run.status == DigestRun.Status.PENDING:
                run_ids.append(run.pk)
    if run_ids:
        enqueue_digest_runs(run_ids)
    return run_ids


def digest_send(*, run_id: int, connection=None) -> SendOutcome:
    """Sends one digest e-mail and marks its deliveries sent, exactly once (claimed like a delivery)."""
    with transaction.atomic():
        run = (
            DigestRun.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=run_id, status=DigestRun.Status.PENDING)
            .first()
        )
        if run is None:
            return SendOutcome("not-pending")
        recipient = run.user
        reason = _recipient_skip_reason(recipient)
        groups = {} if reason else _digest_groups(run, recipient)
        if reason or not groups:
            return _digest_skip(run, reason)
        try:
            message = emails.build_digest_email(
                run=run, recipient=recipient, groups=list(groups.values()), connection=connection
            )
        except Exception as exc:
            logger.exception("Digest %s could not be rendered", run.pk)
            run.status = DigestRun.Status.FAILED
            run.last_error = f"render: {type(exc).__name__}: {exc}"[:2000]
            run.save(update_fields=["status", "last_error"])
            return SendOutcome("failed")
        try:
            message.send()
        except _transient_errors() as exc:
            return _record_send_error(run, exc, label="Digest")
        now = timezone.now()
        run.status = DigestRun.Status.SENT
        run.attempts += 1
        run.sent_at = now
        run.save(update_fields=["status", "attempts", "sent_at"])
        run.deliveries.filter(status=Delivery.Status.PENDING).update(status=Delivery.Status.SENT, sent_at=now)
        return SendOutcome("sent")


def _digest_groups(run: DigestRun, recipient) -> dict[str, tuple[EventType, list]]:
    """The digest's items by event type; the deliveries whose type is gone or turned off, or whose
    object was deleted, are marked skipped."""
    deliveries = list(
        run.deliveries.filter(status=Delivery.Status.PENDING)
        .select_related("notification", "notification__actor")
        .order_by("event", "created_at", "id")
    )
    groups: dict[str, tuple[EventType, list]] = {}
    skipped: list[int] = []
    chosen = dict(Preference.objects.filter(user=recipient).values_list("event", "frequency"))
    for delivery in deliveries:
        event_type = registry.get(delivery.event) if registry.is_registered(delivery.event) else None
        obj = delivery.target if event_type else None
        if (
            event_type is None
            or obj is None
            or effective_frequency(event_type, chosen.get(delivery.event)) == Frequency.OFF
        ):
            skipped.append(delivery.pk)
            continue
        notification = delivery.notification
        groups.setdefault(event_type.key, (event_type, []))[1].append(
            {
                "object": obj,
                "actor": notification.actor if notification else None,
                "context": notification.context if notification else {},
            }
        )
    if skipped:
        Delivery.objects.filter(pk__in=skipped).update(
            status=Delivery.Status.SKIPPED, last_error="turned off or object deleted"
        )
    return groups


def _digest_skip(run: DigestRun, reason: str) -> SendOutcome:
    run.status = DigestRun.Status.SKIPPED
    run.last_error = reason or "nothing left to send"
    run.save(update_fields=["status", "last_error"])
    if reason:
        run.deliveries.filter(status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SKIPPED, last_error=reason
        )
    return SendOutcome("skipped")
