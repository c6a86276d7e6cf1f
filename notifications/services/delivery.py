"""Sending the e-mail deliveries: each read with its batch, claimed just before its mail is committed,
sent and recorded once (see `_send_chunk`); the sweeper that queues again what was left behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from notifications import emails, registry
from notifications.models import Delivery, DigestRun, OrganisationContact, Outbox, Preference, Suppression
from notifications.registry import EventType, Frequency

from .common import (
    _CHUNK,
    CLAIM_EXPIRES_MINUTES,
    SendOutcome,
    _chunks,
    _permanent_errors,
    _recipient_skip_reason,
    _record_send_error,
    _transient_errors,
    logger,
)
from .contacts import ContactRecipient
from .events import outbox_expand
from .queueing import enqueue_deliveries, enqueue_digest_runs
from .smtp import ParallelSender, _claim_token, _claimer, send_claimed


@dataclass
class _BatchData:
    """What the deliveries of one batch need, read with a handful of queries for the whole batch."""

    objects: dict
    suppressed: set
    turned_off: set
    contact_on: set
    organisations: dict
    rendered: dict = field(default_factory=dict)  # renderings shared by the batch's messages


def _load_batch(rows: list[Delivery], objects: dict | None) -> _BatchData:
    objects = objects if objects is not None else {}
    wanted: dict[int, set] = {}
    for row in rows:
        if (row.content_type_id, row.object_id) not in objects:
            wanted.setdefault(row.content_type_id, set()).add(row.object_id)
    for content_type_id, object_ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        found = {}
        if model is not None:
            found = {str(pk): obj for pk, obj in model._base_manager.in_bulk(list(object_ids)).items()}
        for object_id in object_ids:
            objects[(content_type_id, object_id)] = found.get(object_id)
    emails_ = {(row.address or (row.recipient.email if row.recipient else "")).lower() for row in rows}
    emails_.discard("")
    suppressed = set(Suppression.objects.filter(email__in=list(emails_)).values_list("email", flat=True))
    user_ids = {row.recipient_id for row in rows if row.recipient_id}
    turned_off = set(
        Preference.objects.filter(user_id__in=list(user_ids), frequency=Frequency.OFF).values_list(
            "user_id", "event"
        )
    )
    organisation_ids = {row.organisation_id for row in rows if _is_contact_copy(row)}
    contact_on = set()
    organisations = {}
    if organisation_ids:
        contact_on = set(
            OrganisationContact.objects.filter(
                organisation_id__in=list(organisation_ids), enabled=True
            ).values_list("organisation_id", flat=True)
        )
        directory = registry.organisation_directory()
        organisations = directory.info(list(organisation_ids)) if directory else {}
    return _BatchData(objects, suppressed, turned_off, contact_on, organisations)


def _is_contact_copy(row: Delivery) -> bool:
    """A copy to an organisation's contact address (see `contacts`)."""
    return bool(row.address) and row.organisation_id is not None


def _is_plain_address(row: Delivery) -> bool:
    """An e-mail to a plain address (see `addresses`): an address, and no organisation behind it."""
    return bool(row.address) and row.organisation_id is None


def _address_skip_reason(row: Delivery, data: _BatchData) -> str:
    """Why an e-mail to a plain address must not be sent ("" when it may)."""
    if row.address.lower() in data.suppressed:
        return "address suppressed"
    if registry.address_email(row.event) is None:
        return f"e-mail {row.event} is not registered"
    if data.objects.get((row.content_type_id, row.object_id)) is None:
        return "object deleted"
    return ""


def _recipient_for(row: Delivery, data: _BatchData):
    if not row.address:
        return row.recipient
    organisation = data.organisations.get(row.organisation_id)
    return ContactRecipient(
        name=organisation.name if organisation else "",
        email=row.address,
        preferred_language=row.language or settings.LANGUAGE_CODE,
        organisation_id=row.organisation_id,
    )


def _skip_reason(row: Delivery, event_type: EventType | None, data: _BatchData) -> str:
    """Why a delivery must not be sent ("" when it may)."""
    if row.address:
        if row.organisation_id not in data.contact_on:
            return "organisation turned off copies to its contact address"
        if row.organisation_id not in data.organisations:
            return "organisation deleted"
        if row.address.lower() in data.suppressed:
            return "address suppressed"
    else:
        recipient = row.recipient
        suppressed = recipient is not None and recipient.email.lower() in data.suppressed
        reason = _recipient_skip_reason(recipient, suppressed)
        if reason:
            return reason
    if event_type is None:
        return f"event type {row.event} is not registered"
    if not row.address and event_type.can_disable and (row.recipient_id, row.event) in data.turned_off:
        return "turned off by the recipient"
    if data.objects.get((row.content_type_id, row.object_id)) is None:
        return "object deleted"
    return ""


def send_chunk_size() -> int:
    return max(1, getattr(settings, "NOTIFICATIONS_SEND_CHUNK", 20))


@dataclass
class _Chunk:
    """What the run of one chunk has done: the outcomes as they come, and the rows sent and skipped,
    recorded together at the end of the chunk (see `_record_done`)."""

    outcomes: list
    sent: list[int] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=dict)


def _send_chunk(
    chunk: list[Delivery], data: _BatchData, connection, outcomes: list, sender: ParallelSender | None = None
) -> bool:
    """Sends one chunk of deliveries, each claimed before it is sent and recorded after; False when
    a transient error asks for a retry (the rows not handled are left pending).

    The claim is a conditional update pending → sending per message (see `_claimer`), taken over
    SMTP only once the whole message has reached the server, with the final dot that commits it
    written inside the claim's transaction (see `_smtp_send`). A second run of the same task (a
    redelivery after a worker was killed, the sweeper, two workers at once) finds the row claimed
    or sent and sends nothing; a worker killed before the dot leaves the row pending for the next
    run. So nothing is sent twice and nothing is lost. The rows sent are marked sent at the end of
    the chunk with one UPDATE; a row a dead worker left "sending" is marked sent by the sweeper.

    The steps: the rows still pending are rendered (`_render_chunk`), sent each under its claim
    (`_send_messages`), and what happened is recorded (`_record_results`, `_record_done`).
    """
    done = _Chunk(outcomes)
    try:
        ready = _render_chunk(chunk, data, connection, done)
        results = _send_messages(ready, sender)
        return _record_results(ready, results, done)
    finally:
        # Whatever reached the mail server is recorded, also when another message failed.
        _record_done(done)


def _render_chunk(chunk: list[Delivery], data: _BatchData, connection, done: _Chunk) -> list[tuple]:
    """(row, message) for each row of the chunk that is still pending and may be sent."""
    fresh = dict(
        Delivery.objects.filter(pk__in=[row.pk for row in chunk], status=Delivery.Status.PENDING).values_list(
            "pk", "attempts"
        )
    )
    ready: list[tuple[Delivery, object]] = []
    for row in chunk:
        if row.pk not in fresh:
            done.outcomes.append((row.pk, SendOutcome("not-pending")))
            continue
        row.attempts = fresh[row.pk]
        message = _render_one(row, data, connection, done)
        if message is not None:
            ready.append((row, message))
    return ready


def _render_one(row: Delivery, data: _BatchData, connection, done: _Chunk):
    """The message of one delivery; None when it is skipped (recorded at the end of the chunk) or
    cannot be rendered (failed at once)."""
    if _is_plain_address(row):
        reason = _address_skip_reason(row, data)
        build = partial(_build_address_email, row, data, connection)
    else:
        event_type = registry.get(row.event) if registry.is_registered(row.event) else None
        reason = _skip_reason(row, event_type, data)
        build = partial(_build_event_email, row, event_type, data, connection)
    if not reason:
        try:
            message = build()
        except Exception as exc:
            return _render_failed(row, exc, done)
        if message is not None:
            return message
        reason = "no longer asked for"
    done.skipped.setdefault(reason, []).append(row.pk)
    logger.info("Delivery %s skipped: %s", row.pk, reason)
    done.outcomes.append((row.pk, SendOutcome("skipped")))
    return None


def _build_event_email(row: Delivery, event_type: EventType, data: _BatchData, connection):
    source = row.notification or row.outbox
    return emails.build_event_email(
        delivery=row,
        event_type=event_type,
        obj=data.objects[(row.content_type_id, row.object_id)],
        actor=source.actor if source else None,
        recipient=_recipient_for(row, data),
        context=source.context if source else {},
        connection=connection,
        shared=data.rendered,
    )


def _build_address_email(row: Delivery, data: _BatchData, connection):
    return emails.build_address_email(
        delivery=row,
        address_email=registry.address_email(row.event),
        obj=data.objects[(row.content_type_id, row.object_id)],
        connection=connection,
    )


def _render_failed(row: Delivery, exc: Exception, done: _Chunk) -> None:
    """A delivery whose e-mail cannot be rendered fails at once: rendering it again gives the same."""
    logger.exception("Delivery %s: the e-mail could not be rendered", row.pk)
    _mark_pending(
        [row.pk],
        status=Delivery.Status.FAILED,
        attempts=row.attempts + 1,
        last_error=f"render: {type(exc).__name__}: {exc}"[:2000],
    )
    done.outcomes.append((row.pk, SendOutcome("failed")))


def _send_messages(ready: list[tuple], sender: ParallelSender | None) -> list:
    """Sends each message under its row's claim; per message True (sent), False (claimed by another
    run) or the exception. Over one connection, a transient error stops the rest (left for the retry)."""
    if sender is not None and len(ready) > 1:
        return sender.send_all([(message, _claimer(row.pk)) for row, message in ready])
    results: list = []
    for row, message in ready:
        try:
            results.append(send_claimed(message, _claimer(row.pk)))
        except Exception as exc:
            results.append(exc)
            if isinstance(exc, _transient_errors()) and not isinstance(exc, _permanent_errors()):
                break  # the mail server is unwell: leave the rest for the retry
    return results


def _record_results(ready: list[tuple], results: list, done: _Chunk) -> bool:
    """Records the failures at once and notes the rows sent; False when a row is to be retried or
    some rows were not tried."""
    complete = True
    for (row, _message), result in zip(ready, results, strict=False):
        if result is True:
            done.sent.append(row.pk)
            done.outcomes.append((row.pk, SendOutcome("sent")))
        elif result is False:
            done.outcomes.append((row.pk, SendOutcome("not-pending")))
        elif isinstance(result, _transient_errors()):
            _unclaim(row.pk)
            outcome = _record_send_error(row, result, label="Delivery")
            done.outcomes.append((row.pk, outcome))
            complete = complete and outcome.retry_in is None
        else:  # e.g. a malformed header: this message can never go
            logger.error("Delivery %s could not be sent: %r", row.pk, result)
            _unclaim(row.pk)
            _mark_pending(
                [row.pk],
                status=Delivery.Status.FAILED,
                attempts=row.attempts + 1,
                last_error=f"{type(result).__name__}: {result}"[:2000],
            )
            done.outcomes.append((row.pk, SendOutcome("failed")))
    return complete and len(results) == len(ready)


def _record_done(done: _Chunk) -> None:
    """Marks the rows sent (one UPDATE for the chunk) and the rows skipped."""
    if done.sent:
        Delivery.objects.filter(pk__in=done.sent, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.SENT, attempts=F("attempts") + 1, sent_at=timezone.now(), last_error=""
        )
    for reason, ids in done.skipped.items():
        _mark_pending(ids, status=Delivery.Status.SKIPPED, last_error=reason)


def _mark_pending(ids: list[int], **fields) -> None:
    """Changes rows that are still pending (a row another run claimed meanwhile is left alone)."""
    if ids:
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.PENDING).update(**fields)


def _unclaim(pk: int) -> None:
    """Returns a claimed row to pending after the mail server refused or failed (nothing was
    delivered): the error is then recorded on it like on any pending row."""
    Delivery.objects.filter(pk=pk, status=Delivery.Status.SENDING, claimed_by=_claim_token()).update(
        status=Delivery.Status.PENDING, claimed_at=None, claimed_by=""
    )


def deliveries_send(
    *, delivery_ids: list[int], connection=None, objects: dict | None = None, parallel: bool = True
) -> list[tuple[int, SendOutcome]]:
    """Sends a batch of pending e-mail deliveries, each once however often it is called.

    The rows, their recipients, objects, preferences, suppressions and organisation settings are
    read with a few queries for the whole batch, the messages are sent over a few SMTP connections
    at once (NOTIFICATIONS_SMTP_CONNECTIONS, default 8; `connection` when that is 1 or `parallel` is
    False); each row is claimed just before it is sent and recorded after (see `_send_chunk`). A
    transient SMTP error counts an attempt on that row and ends the batch: the
    caller retries the rest later, so a dead mail server costs one timeout, not one per message. A
    template error or a permanent refusal fails the delivery at once; a deleted, inactive or
    suppressed recipient, a type turned off, or a deleted object skips it. Returns (id, outcome)
    for the rows handled; ids missing from it were left for a later run.
    """
    rows = list(
        Delivery.objects.filter(pk__in=list(delivery_ids), status=Delivery.Status.PENDING)
        .select_related("recipient", "notification", "notification__actor", "outbox", "outbox__actor")
        .order_by("id")
    )
    seen = {row.pk for row in rows}
    outcomes: list[tuple[int, SendOutcome]] = [
        (pk, SendOutcome("not-pending")) for pk in delivery_ids if pk not in seen
    ]
    if not rows:
        return outcomes
    data = _load_batch(rows, objects)
    size = max(1, getattr(settings, "NOTIFICATIONS_SMTP_CONNECTIONS", 8))
    sender = ParallelSender(size) if parallel and size > 1 and len(rows) > 1 else None
    try:
        for chunk in _chunks(rows, send_chunk_size()):
            if not _send_chunk(chunk, data, connection, outcomes, sender):
                break
    finally:
        if sender is not None:
            sender.close()
    return outcomes


def delivery_send(*, delivery_id: int, connection=None, objects: dict | None = None) -> SendOutcome:
    """Sends one pending e-mail delivery, exactly once however often it is called (see
    `deliveries_send`)."""
    outcomes = dict(deliveries_send(delivery_ids=[delivery_id], connection=connection, objects=objects))
    return outcomes.get(delivery_id, SendOutcome("not-pending"))


def requeue_stale(*, now: datetime | None = None, older_than: timedelta | None = None) -> tuple[int, int]:
    """Queues again the e-mails and digests still pending long after they were due.

    They were never handed to the broker (Redis was down at commit time) or the message was lost
    (a worker died, Redis restarted empty). Re-queuing something that is in fact being sent is
    harmless: the claim lets only one run send. Deferred events (`Outbox` rows) whose expansion
    has not happened are expanded here first, which queues their e-mails. `older_than` (default
    NOTIFICATIONS_REQUEUE_AFTER_MINUTES) is how long past due a row must be; a worker that has just
    (re)connected to the broker passes 0, so what was written while Redis was away goes out at once
    (see `portal.celery.RequeueOnConnect`). Returns (deliveries, digests) queued by the re-queue itself.
    """
    now = now or timezone.now()
    if older_than is None:
        older_than = timedelta(minutes=settings.NOTIFICATIONS_REQUEUE_AFTER_MINUTES)
    cutoff = now - older_than
    _record_abandoned_claims(now)
    _expand_stale_events(cutoff)
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


def _record_abandoned_claims(now: datetime) -> None:
    """A delivery claimed by a sender that then died (killed between the claim and the record) had
    reached the mail server (see `_smtp_send`): it is recorded as sent, never sent again."""
    abandoned = Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lte=now - timedelta(minutes=CLAIM_EXPIRES_MINUTES)
    ).update(
        status=Delivery.Status.SENT, sent_at=F("claimed_at"), last_error="claimed by a sender that stopped"
    )
    if abandoned:
        logger.warning("Recorded %d delivery(ies) claimed by a sender that stopped as sent", abandoned)


def _expand_stale_events(cutoff: datetime) -> None:
    stale_events = list(
        Outbox.objects.filter(status=Outbox.Status.PENDING, queued_at__lte=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:100]
    )
    for outbox_id in stale_events:
        logger.warning("Expanding notification event %s that no worker expanded", outbox_id)
        outbox_expand(outbox_id=outbox_id)


# --- Providers ------------------------------------------------------------------------------------


def suppression_add(*, email: str, reason: str, detail: str = "") -> Suppression:
    """Stops all e-mail to an address the provider reported as bounced or complaining. Safe to repeat."""
    suppression, _created = Suppression.objects.get_or_create(
        email=email.strip().lower(), defaults={"reason": reason, "detail": detail[:2000]}
    )
    return suppression
