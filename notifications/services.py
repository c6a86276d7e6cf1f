"""Every state change of the notifications app: raising events, sending, digests, preferences, inbox."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import emails, registry
from notifications.models import Delivery, DigestRun, Notification, Preference, Suppression
from notifications.registry import DIGEST_FREQUENCIES, EventType, Frequency
from notifications.tokens import DIGEST_PREFIX

logger = logging.getLogger(__name__)

# Publishing to a broker that is down must not hold up a web request: fail fast and let the sweeper
# queue the rows again later.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
_CHUNK = 500


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _permanent_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [smtplib.SMTPRecipientsRefused]
    try:
        from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused

        errors += [AnymailRecipientsRefused, AnymailInvalidAddress]
    except ImportError:  # pragma: no cover - anymail is optional
        pass
    return tuple(errors)


def _transient_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [smtplib.SMTPException, OSError]
    try:
        from anymail.exceptions import AnymailAPIError

        errors.append(AnymailAPIError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


# --- Preferences ----------------------------------------------------------------------------------


def effective_frequency(event_type: EventType, chosen: str | None) -> str:
    if event_type.mandatory:
        return Frequency.IMMEDIATELY
    return chosen or event_type.default_frequency


def preferences_for(user) -> dict[str, str]:
    """{event key: effective frequency} for every registered event type."""
    chosen = dict(Preference.objects.filter(user=user).values_list("event", "frequency"))
    return {et.key: effective_frequency(et, chosen.get(et.key)) for et in registry.all_event_types()}


@transaction.atomic
def preference_set(*, user, event: str, frequency: str) -> Preference | None:
    """Stores how often `user` hears about `event`; a mandatory event can only be 'immediately'.

    Safe to repeat. Returns None for a mandatory event (nothing to store).
    """
    event_type = registry.get(event)
    if frequency not in Frequency.values:
        raise ValidationError(_("Choose a valid frequency."))
    if event_type.mandatory:
        if frequency != Frequency.IMMEDIATELY:
            raise ValidationError(_("This notification is always sent and cannot be turned off."))
        return None
    preference, _created = Preference.objects.update_or_create(
        user=user, event=event, defaults={"frequency": frequency}
    )
    return preference


@transaction.atomic
def unsubscribe(*, user_id: int, event: str) -> list[EventType]:
    """Turns e-mail off for one event type, or for every event type in a digest ("digest:daily").

    Called by the one-click unsubscribe link; mandatory events are never turned off. Safe to repeat.
    Returns the event types that were turned off.
    """
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return []
    if event.startswith(DIGEST_PREFIX):
        frequency = event[len(DIGEST_PREFIX) :]
        current = preferences_for(user)
        targets = [
            et for et in registry.all_event_types() if et.can_disable and current.get(et.key) == frequency
        ]
    else:
        event_type = registry.get(event)
        targets = [event_type] if event_type.can_disable else []
    for event_type in targets:
        preference_set(user=user, event=event_type.key, frequency=Frequency.OFF)
    return targets


# --- Raising events -------------------------------------------------------------------------------


@dataclass
class NotifyResult:
    recipients: int
    notifications_created: int
    deliveries_created: int
    queued: int


def _recipient_ids(event_type: EventType, obj, recipients, context: dict, actor) -> list[int]:
    if recipients is None:
        recipients = event_type.recipients(obj, context)
    if isinstance(recipients, QuerySet):
        ids = list(recipients.filter(is_active=True).values_list("pk", flat=True))
    else:
        ids = [user.pk for user in recipients if user is not None and user.is_active]
    ids = list(dict.fromkeys(ids))
    if actor is not None and not event_type.notify_actor:
        ids = [pk for pk in ids if pk != actor.pk]
    return ids


@transaction.atomic
def notify(
    event: str,
    obj,
    *,
    actor=None,
    recipients=None,
    context: dict | None = None,
    dedupe_key: str = "",
) -> NotifyResult:
    """Records that `event` happened to `obj`: an inbox row per recipient and an e-mail delivery per
    recipient who wants one, in the caller's transaction.

    E-mails to be sent at once are handed to Celery after commit (in batches for a large audience);
    digest e-mails wait for the digest task. Repeating the call for the same (event, obj, dedupe_key)
    creates nothing new and sends nothing twice. `context` must be JSON-serialisable: it is stored
    and given to the templates. Use `dedupe_key` when one object legitimately raises the same event
    more than once (e.g. a reminder per deadline).
    """
    event_type = registry.get(event)
    context = dict(context or {})
    ids = _recipient_ids(event_type, obj, recipients, context, actor)
    if not ids:
        return NotifyResult(0, 0, 0, 0)
    content_type = ContentType.objects.get_for_model(obj)
    object_id = str(obj.pk)
    now = timezone.now()
    key = {"event": event, "content_type": content_type, "object_id": object_id, "dedupe_key": dedupe_key}
    actor_id = actor.pk if actor is not None else None

    before = Notification.objects.filter(**key).count()
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, actor_id=actor_id, context=context, created_at=now, **key)
            for pk in ids
        ],
        batch_size=_CHUNK,
        ignore_conflicts=True,
    )
    notifications_created = Notification.objects.filter(**key).count() - before

    deliveries_created = 0
    if event_type.email:
        chosen: dict[int, str] = {}
        for chunk in _chunks(ids, _CHUNK):
            chosen.update(
                Preference.objects.filter(event=event, user_id__in=chunk).values_list("user_id", "frequency")
            )
        notification_ids: dict[int, int] = {}
        for chunk in _chunks(ids, _CHUNK):
            notification_ids.update(
                Notification.objects.filter(recipient_id__in=chunk, **key).values_list("recipient_id", "id")
            )
        rows = []
        for pk in ids:
            frequency = effective_frequency(event_type, chosen.get(pk))
            if frequency == Frequency.OFF:
                continue
            rows.append(
                Delivery(
                    recipient_id=pk,
                    notification_id=notification_ids.get(pk),
                    channel=Delivery.Channel.EMAIL,
                    frequency=frequency,
                    created_at=now,
                    queued_at=now if frequency == Frequency.IMMEDIATELY else None,
                    **key,
                )
            )
        before = Delivery.objects.filter(**key).count()
        Delivery.objects.bulk_create(rows, batch_size=_CHUNK, ignore_conflicts=True)
        deliveries_created = Delivery.objects.filter(**key).count() - before

    pending = list(
        Delivery.objects.pending().immediate().filter(**key).order_by("id").values_list("id", flat=True)
    )
    if pending:
        transaction.on_commit(partial(enqueue_deliveries, pending))
    return NotifyResult(len(ids), notifications_created, deliveries_created, len(pending))


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
        return False
    return True


def enqueue_digest_runs(run_ids: list[int]) -> bool:
    from notifications import tasks

    try:
        for run_id in run_ids:
            tasks.send_digest.apply_async((run_id,), retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        logger.exception("Could not queue %d digest(s); the sweeper will queue them again.", len(run_ids))
        return False
    return True


# --- Sending --------------------------------------------------------------------------------------


@dataclass
class SendOutcome:
    status: str  # "sent", "skipped", "failed", "retry" or "not-pending"
    retry_in: int | None = None


def retry_delay(attempts: int) -> int:
    return get_exponential_backoff_interval(
        factor=settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS,
        retries=max(0, attempts - 1),
        maximum=settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS,
        full_jitter=False,
    )


def _recipient_skip_reason(recipient, suppressed: bool | None = None) -> str:
    if recipient is None:
        return "recipient deleted"
    if not recipient.is_active:
        return "recipient inactive"
    if not recipient.email:
        return "recipient has no e-mail address"
    if suppressed is None:
        suppressed = Suppression.objects.filter(email__iexact=recipient.email).exists()
    if suppressed:
        return "address suppressed"
    return ""


def _skip_reason(delivery: Delivery, event_type: EventType | None) -> str:
    """Why a claimed delivery must not be sent ("" when it may); uses the flags annotated at claim time."""
    reason = _recipient_skip_reason(delivery.recipient, delivery.suppressed)
    if reason:
        return reason
    if event_type is None:
        return f"event type {delivery.event} is not registered"
    if event_type.can_disable and delivery.turned_off:
        return "turned off by the recipient"
    return ""


def _record_send_error(row, exc: BaseException, *, label: str) -> SendOutcome:
    """Counts a failed attempt on a Delivery or DigestRun row (locked by the caller)."""
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if isinstance(exc, _permanent_errors()) or row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        row.status = row.Status.FAILED
        row.save(update_fields=["attempts", "last_error", "status"])
        logger.error("%s %s failed after %d attempt(s): %s", label, row.pk, row.attempts, row.last_error)
        return SendOutcome("failed")
    delay = retry_delay(row.attempts)
    row.queued_at = timezone.now() + timedelta(seconds=delay)
    row.save(update_fields=["attempts", "last_error", "queued_at"])
    logger.warning(
        "%s %s: attempt %d failed, retrying in %ss: %s", label, row.pk, row.attempts, delay, row.last_error
    )
    return SendOutcome("retry", retry_in=delay)


def delivery_send(*, delivery_id: int, connection=None, objects: dict | None = None) -> SendOutcome:
    """Sends one pending e-mail delivery, exactly once however often it is called.

    The row is claimed with a row lock (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL) and
    marked sent in the same transaction: a second run finds it sent or locked and does nothing, and
    a worker that dies mid-way leaves it pending for the next run. A transient SMTP error counts an
    attempt and asks the caller to retry after a backoff; a template error or a permanent refusal
    fails the delivery at once; a deleted, inactive or suppressed recipient skips it.

    `objects` is a cache of the events' objects shared by the deliveries of one batch (a fan-out is
    mostly about one object).
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "notification", "notification__actor")
            .annotate(
                suppressed=Exists(Suppression.objects.filter(email=Lower(OuterRef("recipient__email")))),
                turned_off=Exists(
                    Preference.objects.filter(
                        user=OuterRef("recipient"), event=OuterRef("event"), frequency=Frequency.OFF
                    )
                ),
            )
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return SendOutcome("not-pending")
        recipient = delivery.recipient
        event_type = registry.get(delivery.event) if registry.is_registered(delivery.event) else None
        reason = _skip_reason(delivery, event_type)
        obj = None
        if not reason:
            key = (delivery.content_type_id, delivery.object_id)
            if objects is not None and key in objects:
                obj = objects[key]
            else:
                obj = delivery.target
                if objects is not None:
                    objects[key] = obj
        if not reason and obj is None:
            reason = "object deleted"
        if reason:
            delivery.status = Delivery.Status.SKIPPED
            delivery.last_error = reason
            delivery.save(update_fields=["status", "last_error"])
            logger.info("Delivery %s skipped: %s", delivery.pk, reason)
            return SendOutcome("skipped")
        notification = delivery.notification
        try:
            message = emails.build_event_email(
                delivery=delivery,
                event_type=event_type,
                obj=obj,
                actor=notification.actor if notification else None,
                recipient=recipient,
                context=notification.context if notification else {},
                connection=connection,
            )
        except Exception as exc:
            logger.exception("Delivery %s: the e-mail could not be rendered", delivery.pk)
            delivery.status = Delivery.Status.FAILED
            delivery.attempts += 1
            delivery.last_error = f"render: {type(exc).__name__}: {exc}"[:2000]
            delivery.save(update_fields=["status", "attempts", "last_error"])
            return SendOutcome("failed")
        try:
            message.send()
        except _transient_errors() as exc:
            return _record_send_error(delivery, exc, label="Delivery")
        delivery.status = Delivery.Status.SENT
        delivery.attempts += 1
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["status", "attempts", "sent_at", "last_error"])
        return SendOutcome("sent")


def requeue_stale(*, now: datetime | None = None) -> tuple[int, int]:
    """Queues again the e-mails and digests still pending long after they were due.

    They were never handed to the broker (Redis was down at commit time) or the message was lost
    (a worker died). Re-queuing something that is in fact being sent is harmless: the claim lets
    only one run send. Returns (deliveries, digests) queued.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.NOTIFICATIONS_REQUEUE_AFTER_MINUTES)
    delivery_ids = list(
        Delivery.objects.pending()
        .immediate()
        .filter(queued_at__lte=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:10000]
    )
    run_ids = list(
        DigestRun.objects.filter(status=DigestRun.Status.PENDING, queued_at__lte=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:10000]
    )
    for chunk in _chunks(delivery_ids, _CHUNK):
        Delivery.objects.filter(pk__in=chunk).update(queued_at=now)
    if run_ids:
        DigestRun.objects.filter(pk__in=run_ids).update(queued_at=now)
    if delivery_ids:
        logger.warning("Re-queuing %d pending notification e-mail(s)", len(delivery_ids))
        enqueue_deliveries(delivery_ids)
    if run_ids:
        logger.warning("Re-queuing %d pending digest(s)", len(run_ids))
        enqueue_digest_runs(run_ids)
    return len(delivery_ids), len(run_ids)


# --- Digests --------------------------------------------------------------------------------------


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
        deliveries = list(
            run.deliveries.filter(status=Delivery.Status.PENDING)
            .select_related("notification", "notification__actor")
            .order_by("event", "created_at", "id")
        )
        reason = _recipient_skip_reason(recipient)
        groups: dict[str, tuple[EventType, list]] = {}
        skipped: list[int] = []
        if not reason:
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
        if reason or not groups:
            run.status = DigestRun.Status.SKIPPED
            run.last_error = reason or "nothing left to send"
            run.save(update_fields=["status", "last_error"])
            if reason:
                run.deliveries.filter(status=Delivery.Status.PENDING).update(
                    status=Delivery.Status.SKIPPED, last_error=reason
                )
            return SendOutcome("skipped")
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


# --- Inbox ----------------------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Marks one of the user's notifications read; safe to repeat (keeps the first read time)."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Marks all the user's unread notifications read; returns how many changed."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def notifications_purge_read(*, now: datetime | None = None) -> int:
    """Deletes read inbox notifications older than the retention period; safe to repeat."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NOTIFICATIONS_READ_RETENTION_DAYS)
    deleted, _per_model = Notification.objects.filter(read_at__isnull=False, read_at__lt=cutoff).delete()
    return deleted


# --- Providers ------------------------------------------------------------------------------------


def suppression_add(*, email: str, reason: str, detail: str = "") -> Suppression:
    """Stops all e-mail to an address the provider reported as bounced or complaining. Safe to repeat."""
    suppression, _created = Suppression.objects.get_or_create(
        email=email.strip().lower(), defaults={"reason": reason, "detail": detail[:2000]}
    )
    return suppression
