"""Raising events: `notify()` computes the audience and writes (or defers) the inbox rows and the
deliveries; `outbox_expand` expands a deferred one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from notifications import registry
from notifications.models import Delivery, Notification, Outbox, Preference
from notifications.registry import EventType, Frequency

from .common import _CHUNK, _chunks, logger
from .contacts import _contact_deliveries, _organisation_ids
from .preferences import effective_frequency
from .queueing import enqueue_deliveries, enqueue_outbox


@dataclass
class NotifyResult:
    """What one `notify()` call did. For a deferred (large) audience, `notifications_created` is the
    number of recipients who had no inbox row yet, which the expansion task will create; deliveries
    are then counted and queued by that task, not here."""

    recipients: int
    notifications_created: int
    deliveries_created: int
    queued: int
    deferred: bool = False


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


def inline_limit() -> int:
    return getattr(settings, "NOTIFICATIONS_INLINE_MAX_RECIPIENTS", 50)


@transaction.atomic
def notify(
    event: str,
    obj,
    *,
    actor=None,
    recipients=None,
    organisations=None,
    context: dict | None = None,
    dedupe_key: str = "",
    defer: bool | None = None,
) -> NotifyResult:
    """Records that `event` happened to `obj`, in the caller's transaction: an inbox row per
    recipient, an e-mail delivery per recipient who wants one, and for an organisation-level event a
    copy to the contact address of each organisation that asked for one.

    The audience (user ids, and the organisations concerned) is computed now. A small audience (up
    to NOTIFICATIONS_INLINE_MAX_RECIPIENTS, default 50) is expanded at once, so the inbox rows exist
    when the request returns. A larger one is written as one `Outbox` row and expanded by a task
    after commit: the request then costs a few queries whatever the audience (a consultation to
    5,000 people returns as quickly as one to 50), and the inbox rows appear a moment later, when a
    worker has run. If the broker is down the row stays pending and the sweeper expands it later, so
    nothing is lost. `defer=True/False` forces one way.

    E-mails to be sent at once are handed to Celery after commit (in batches); digest e-mails wait
    for the digest task. Repeating the call for the same (event, obj, dedupe_key) creates nothing new
    and sends nothing twice (new recipients, e.g. organisations invited later, do hear). `context`
    must be JSON-serialisable: it is stored and given to the templates. Use `dedupe_key` when one
    object legitimately raises the same event more than once (e.g. a reminder per deadline).
    `organisations` (ids) overrides the event type's `organisations` callback for one call.
    """
    event_type = registry.get(event)
    context = dict(context or {})
    ids = _recipient_ids(event_type, obj, recipients, context, actor)
    organisation_ids = _organisation_ids(event_type, obj, organisations, context)
    if not ids and not organisation_ids:
        return NotifyResult(0, 0, 0, 0)
    content_type = ContentType.objects.get_for_model(obj)
    key = {"event": event, "content_type": content_type, "object_id": str(obj.pk), "dedupe_key": dedupe_key}
    now = timezone.now()
    actor_id = actor.pk if actor is not None else None
    inline = (not defer) if defer is not None else len(ids) <= inline_limit()
    if not inline:
        return _notify_deferred(key, ids, organisation_ids, actor_id=actor_id, context=context, now=now)
    outbox = Outbox.objects.create(
        **key,
        actor_id=actor_id,
        context=context,
        recipient_ids=ids,
        organisation_ids=organisation_ids,
        status=Outbox.Status.EXPANDED,
        created_at=now,
        expanded_at=now,
    )
    # The ids were read from the users table in this transaction: no need to check them again.
    return _expand(event_type, outbox, now=now, verified=True)


def _notify_deferred(
    key: dict, ids: list[int], organisation_ids: list[int], *, actor_id, context: dict, now: datetime
) -> NotifyResult:
    """Writes a large audience as one pending `Outbox` row, expanded by a task after commit."""
    notified = set(Notification.objects.filter(**key).values_list("recipient_id", flat=True))
    new_ids = [pk for pk in ids if pk not in notified]
    if not new_ids and not organisation_ids:
        return NotifyResult(len(ids), 0, 0, 0, deferred=True)
    outbox = Outbox.objects.create(
        **key,
        actor_id=actor_id,
        context=context,
        recipient_ids=new_ids,
        organisation_ids=organisation_ids,
        created_at=now,
        queued_at=now,
    )
    transaction.on_commit(partial(enqueue_outbox, [outbox.pk]))
    return NotifyResult(len(ids), len(new_ids), 0, 0, deferred=True)


def _outbox_key(outbox: Outbox) -> dict:
    return {
        "event": outbox.event,
        "content_type_id": outbox.content_type_id,
        "object_id": outbox.object_id,
        "dedupe_key": outbox.dedupe_key,
    }


def _active_user_ids(ids: list[int]) -> list[int]:
    """The ids of users that still exist and are active, in the given order."""
    existing = set()
    for chunk in _chunks(ids, _CHUNK * 2):
        existing.update(
            get_user_model().objects.filter(pk__in=chunk, is_active=True).values_list("pk", flat=True)
        )
    return [pk for pk in ids if pk in existing]


def _write_notifications(outbox: Outbox, ids: list[int], *, key: dict, now: datetime) -> tuple[dict, int]:
    """The inbox rows of one outbox row: ({recipient id: notification id}, how many were created).

    Rows that exist already (a repeated event) are left alone; ignore_conflicts covers a concurrent
    call writing the same rows between the read and the insert."""
    notification_ids = dict(Notification.objects.filter(**key).values_list("recipient_id", "id"))
    already = len(notification_ids)
    new_ids = [pk for pk in ids if pk not in notification_ids]
    if new_ids:
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=pk, actor_id=outbox.actor_id, context=outbox.context, created_at=now, **key
                )
                for pk in new_ids
            ],
            batch_size=_CHUNK * 2,
            ignore_conflicts=True,
        )
        notification_ids = dict(Notification.objects.filter(**key).values_list("recipient_id", "id"))
    return notification_ids, len(notification_ids) - already


def _user_deliveries(
    event_type: EventType, outbox: Outbox, ids: list[int], notification_ids: dict, *, key: dict, now: datetime
) -> list[Delivery]:
    """An e-mail delivery for each recipient who has not turned this event type off."""
    if not event_type.email or not ids:
        return []
    chosen: dict[int, str] = {}
    for chunk in _chunks(ids, _CHUNK * 2):
        chosen.update(
            Preference.objects.filter(event=outbox.event, user_id__in=chunk).values_list(
                "user_id", "frequency"
            )
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
                outbox=outbox,
                channel=Delivery.Channel.EMAIL,
                frequency=frequency,
                created_at=now,
                queued_at=now if frequency == Frequency.IMMEDIATELY else None,
                **key,
            )
        )
    return rows


def _write_deliveries(rows: list[Delivery], *, key: dict) -> tuple[int, list[int]]:
    """Inserts the deliveries not written yet; returns (how many, the ids now pending to send at once)."""
    if rows:
        existing = set(Delivery.objects.filter(**key).values_list("recipient_id", "address"))
        rows = [row for row in rows if (row.recipient_id, row.address) not in existing]
    if not rows:
        return 0, []
    Delivery.objects.bulk_create(rows, batch_size=_CHUNK * 2, ignore_conflicts=True)
    pending = list(
        Delivery.objects.pending().immediate().filter(**key).order_by("id").values_list("id", flat=True)
    )
    return len(rows), pending


def _expand(event_type: EventType, outbox: Outbox, *, now: datetime, verified: bool = False) -> NotifyResult:
    """Writes the inbox rows and deliveries of one outbox row (in the caller's transaction) and
    queues the immediate e-mails after commit. Safe to repeat: every row has a unique key."""
    key = _outbox_key(outbox)
    ids = [int(pk) for pk in outbox.recipient_ids]
    # Users deleted (or deactivated) since a deferred event hear nothing.
    if ids and not verified:
        ids = _active_user_ids(ids)
    notification_ids, notifications_created = _write_notifications(outbox, ids, key=key, now=now)
    rows = _user_deliveries(event_type, outbox, ids, notification_ids, key=key, now=now)
    if outbox.organisation_ids:
        rows += _contact_deliveries(outbox, ids, key=key, now=now)
    deliveries_created, pending = _write_deliveries(rows, key=key)
    if pending:
        transaction.on_commit(partial(enqueue_deliveries, pending))
    return NotifyResult(len(ids), notifications_created, deliveries_created, len(pending))


def outbox_expand(*, outbox_id: int) -> NotifyResult | None:
    """Expands one deferred `notify()` into inbox rows and deliveries (see `notify`).

    The row is claimed with a row lock (skipping a row another worker holds) and marked expanded in
    the same transaction, so running this twice, or from the task and the sweeper at once, expands
    once. Returns None when there was nothing to do.
    """
    with transaction.atomic():
        outbox = (
            Outbox.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=outbox_id, status=Outbox.Status.PENDING)
            .first()
        )
        if outbox is None:
            return None
        now = timezone.now()
        result = None
        if registry.is_registered(outbox.event):
            result = _expand(registry.get(outbox.event), outbox, now=now)
        else:
            logger.error("Outbox %s: event type %s is not registered; nothing sent", outbox.pk, outbox.event)
        outbox.status = Outbox.Status.EXPANDED
        outbox.expanded_at = now
        outbox.save(update_fields=["status", "expanded_at"])
        return result
