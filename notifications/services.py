"""Every state change of the notifications app: raising events, sending, digests, preferences, inbox."""

from __future__ import annotations

import logging
import os
import queue
import re
import smtplib
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail.message import sanitize_address
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import emails, registry
from notifications.models import (
    Delivery,
    DigestRun,
    Notification,
    OrganisationContact,
    Outbox,
    Preference,
    Suppression,
)
from notifications.registry import DIGEST_FREQUENCIES, EventType, Frequency
from notifications.tokens import DIGEST_PREFIX

logger = logging.getLogger(__name__)

# Publishing to a broker that is down must not hold up a web request: fail fast and let the sweeper
# queue the rows again later.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
_CHUNK = 500
# A claim ("sending") older than this belongs to a sender that died; no live sender holds one longer
# than a chunk takes (at most the task's time limit).
CLAIM_EXPIRES_MINUTES = 10


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


def _organisation_ids(event_type: EventType, obj, organisations, context: dict) -> list[int]:
    """The organisations that asked for a copy at their contact address, among those concerned."""
    if not event_type.organisation_level or not event_type.email:
        return []
    if registry.organisation_directory() is None:
        return []
    enabled = OrganisationContact.objects.filter(enabled=True)
    if not enabled.exists():  # the common case: one cheap query, no call into the domain app
        return []
    if organisations is None:
        organisations = event_type.organisations(obj, context) if event_type.organisations else []
    ids = list(dict.fromkeys(int(pk) for pk in organisations))
    if not ids:
        return []
    chosen = set()
    for chunk in _chunks(ids, _CHUNK):
        chosen.update(enabled.filter(organisation_id__in=chunk).values_list("organisation_id", flat=True))
    return [pk for pk in ids if pk in chosen]


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
    key = {
        "event": event,
        "content_type": content_type,
        "object_id": str(obj.pk),
        "dedupe_key": dedupe_key,
    }
    now = timezone.now()
    actor_id = actor.pk if actor is not None else None
    inline = (not defer) if defer is not None else len(ids) <= inline_limit()
    if not inline:
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


def _expand(event_type: EventType, outbox: Outbox, *, now: datetime, verified: bool = False) -> NotifyResult:
    """Writes the inbox rows and deliveries of one outbox row (in the caller's transaction) and
    queues the immediate e-mails after commit. Safe to repeat: every row has a unique key."""
    key = {
        "event": outbox.event,
        "content_type_id": outbox.content_type_id,
        "object_id": outbox.object_id,
        "dedupe_key": outbox.dedupe_key,
    }
    ids = [int(pk) for pk in outbox.recipient_ids]
    # Users deleted (or deactivated) since a deferred event hear nothing.
    if ids and not verified:
        existing = set()
        for chunk in _chunks(ids, _CHUNK * 2):
            existing.update(
                get_user_model().objects.filter(pk__in=chunk, is_active=True).values_list("pk", flat=True)
            )
        ids = [pk for pk in ids if pk in existing]
    # Rows that exist already (a repeated event) are left alone; ignore_conflicts covers a
    # concurrent call writing the same rows between the read and the insert.
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
    notifications_created = len(notification_ids) - already

    rows = []
    if event_type.email and ids:
        chosen: dict[int, str] = {}
        for chunk in _chunks(ids, _CHUNK * 2):
            chosen.update(
                Preference.objects.filter(event=outbox.event, user_id__in=chunk).values_list(
                    "user_id", "frequency"
                )
            )
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
    if outbox.organisation_ids:
        rows += _contact_deliveries(outbox, ids, key=key, now=now)
    deliveries_created = 0
    pending = []
    if rows:
        existing = set(Delivery.objects.filter(**key).values_list("recipient_id", "address"))
        rows = [row for row in rows if (row.recipient_id, row.address) not in existing]
    if rows:
        Delivery.objects.bulk_create(rows, batch_size=_CHUNK * 2, ignore_conflicts=True)
        deliveries_created = len(rows)
        pending = list(
            Delivery.objects.pending().immediate().filter(**key).order_by("id").values_list("id", flat=True)
        )
    if pending:
        transaction.on_commit(partial(enqueue_deliveries, pending))
    return NotifyResult(len(ids), notifications_created, deliveries_created, len(pending))


def _contact_deliveries(outbox: Outbox, user_ids: list[int], *, key: dict, now: datetime) -> list[Delivery]:
    """Copies to the contact addresses of the organisations that asked for them: one per address
    (two organisations sharing an address get one e-mail), none to an address that already gets the
    message as a user's own e-mail."""
    directory = registry.organisation_directory()
    if directory is None:
        return []
    settings_by_org = {
        row.organisation_id: row
        for row in OrganisationContact.objects.filter(
            enabled=True, organisation_id__in=list(outbox.organisation_ids)
        )
    }
    if not settings_by_org:
        return []
    info = directory.info(list(settings_by_org))
    addresses: dict[str, int] = {}
    for organisation_id in outbox.organisation_ids:
        organisation = info.get(organisation_id)
        if organisation_id not in settings_by_org or organisation is None:
            continue
        address = (organisation.contact_email or "").strip().lower()
        if address and address not in addresses:
            addresses[address] = organisation_id
    if not addresses:
        return []
    taken = set()
    for chunk in _chunks(user_ids, _CHUNK * 2):
        taken.update(
            get_user_model()
            .objects.filter(pk__in=chunk)
            .annotate(lower_email=Lower("email"))
            .filter(lower_email__in=list(addresses))
            .values_list("lower_email", flat=True)
        )
    return [
        Delivery(
            recipient=None,
            address=address,
            organisation_id=organisation_id,
            language=settings_by_org[organisation_id].language or settings.LANGUAGE_CODE,
            outbox=outbox,
            channel=Delivery.Channel.EMAIL,
            frequency=Frequency.IMMEDIATELY,
            created_at=now,
            queued_at=now,
            **key,
        )
        for address, organisation_id in addresses.items()
        if address not in taken
    ]


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


@dataclass
class ContactRecipient:
    """Stands in for a user when a copy goes to an organisation's contact address."""

    name: str
    email: str
    preferred_language: str
    organisation_id: int
    pk = None
    is_active = True

    @property
    def display_name(self) -> str:
        return self.name

    def get_display_name(self) -> str:
        return self.name


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
    organisation_ids = {row.organisation_id for row in rows if row.address}
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


def _claim_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _claimer(pk: int):
    """The claim of one pending delivery: a conditional update pending → sending, so that exactly
    one run sends it, however many runs there are, at once or later. Returns a callable
    `claim(then=None)` that answers whether this run got it.

    `then` (over SMTP: writing the final dot that commits the mail server to deliver) runs inside
    the claim's transaction, after the row is claimed and before the claim is committed. A sender
    killed before `then` has written leaves the transaction uncommitted: PostgreSQL rolls it back
    and the row stays pending, while the mail server, which never saw the dot, discards its copy;
    the next run sends it. Only a kill in the microseconds between the dot's write and the
    COMMIT's write can leave a message delivered and its row pending (sent again): nothing is
    lost, and a duplicate needs a kill inside that gap."""

    def claim(then=None) -> bool:
        with transaction.atomic():
            got = bool(
                Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING).update(
                    status=Delivery.Status.SENDING, claimed_at=timezone.now(), claimed_by=_claim_token()
                )
            )
            if got and then is not None:
                then()
        return got

    return claim


def _drop_smtp(backend) -> None:
    """Closes an SMTP connection without QUIT: in the middle of DATA, the server then discards the
    message instead of delivering it."""
    try:
        backend.connection.close()
    except Exception:  # already broken
        pass
    backend.connection = None


def _smtp_send(backend, email_message, claim) -> bool:
    """Django's `EmailBackend._send` with the claim taken at the last possible moment: the envelope
    and the whole message are transmitted first, then `claim()` runs, and the final
    "<CRLF>.<CRLF>" that commits the server to deliver is written inside the claim's transaction,
    before it commits (see `_claimer`). A run that loses the claim drops the connection, so the
    server discards its copy. A worker killed before the dot is written leaves the row pending
    (its claim is rolled back; the next run sends it); once the dot is written, the kernel still
    sends it and the COMMIT written right after it, also when the process is killed."""
    smtp = backend.connection
    encoding = email_message.encoding or settings.DEFAULT_CHARSET
    from_email = sanitize_address(email_message.from_email, encoding)
    recipients = [sanitize_address(addr, encoding) for addr in email_message.recipients()]
    data = email_message.message().as_bytes(linesep="\r\n")
    smtp.ehlo_or_helo_if_needed()
    options = [f"size={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    code, response = smtp.mail(from_email, options)
    if code != 250:
        _drop_smtp(backend) if code == 421 else smtp.rset()
        raise smtplib.SMTPSenderRefused(code, response, from_email)
    refused = {}
    for recipient in recipients:
        code, response = smtp.rcpt(recipient, [])
        if code not in (250, 251):
            refused[recipient] = (code, response)
            if code == 421:
                _drop_smtp(backend)
                raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    smtp.putcmd("data")
    code, response = smtp.getreply()
    if code != 354:
        _drop_smtp(backend) if code == 421 else smtp.rset()
        raise smtplib.SMTPDataError(code, response)
    try:
        body = re.sub(rb"(?m)^\.", b"..", data)
        if body[-2:] != b"\r\n":
            body += b"\r\n"
        smtp.send(body)
        if not claim(partial(smtp.send, b".\r\n")):
            _drop_smtp(backend)
            return False
    except BaseException:
        _drop_smtp(backend)
        raise
    code, response = smtp.getreply()
    if code != 250:
        if code == 421:
            _drop_smtp(backend)
        raise smtplib.SMTPDataError(code, response)
    return True


def send_claimed(message, claim) -> bool:
    """Sends one message if `claim()` succeeds; False (nothing sent) when another run has it.

    Over SMTP the claim is taken just before the server is committed (see `_smtp_send`); with
    another backend (an e-mail provider's API, the console, files) just before handing it over, so
    a worker killed during that call leaves a claimed message that may or may not have gone.
    """
    from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

    backend = message.get_connection()
    if not isinstance(backend, SMTPBackend) or not message.recipients():
        if not claim():
            return False
        message.send()
        return True
    with backend._lock:
        opened = backend.open()
        try:
            return _smtp_send(backend, message, claim)
        finally:
            if opened:
                backend.close()


class ParallelSender:
    """Sends messages over several SMTP connections at once, one per thread.

    Sending is mostly waiting for the mail server (four round trips per message); a few
    connections in parallel hide that wait, while rendering and every database write (the claims
    too: a thread asks the calling thread for its claim and waits for the answer) stay in the
    calling thread. The threads touch no database connection.
    """

    def __init__(self, size: int):
        from concurrent.futures import ThreadPoolExecutor

        self.size = size
        self._local = threading.local()
        self._connections: list = []
        self._lock = threading.Lock()
        self._claims: queue.Queue = queue.Queue()
        # Once the mail server fails, the other messages fail at once instead of each waiting for
        # its own timeout.
        self._broken: BaseException | None = None
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="notifications-smtp")

    def _claim_from_caller(self, claim):
        # `then` (the final dot) is run by the calling thread inside the claim's transaction, on
        # this thread's SMTP socket, while this thread waits: see `_claimer`.
        def ask(then=None) -> bool:
            reply: dict = {"done": threading.Event()}
            self._claims.put((partial(claim, then), reply))
            reply["done"].wait()
            if "error" in reply:
                raise reply["error"]
            return reply["value"]

        return ask

    def _send(self, message, claim) -> bool:
        from django.core.mail import get_connection

        if self._broken is not None:
            raise self._broken
        try:
            connection = getattr(self._local, "connection", None)
            if connection is None:
                connection = get_connection()
                with self._lock:
                    self._connections.append(connection)
                connection.open()
                self._local.connection = connection
            message.connection = connection
            return send_claimed(message, claim)
        except _transient_errors() as exc:
            if not isinstance(exc, _permanent_errors()):
                self._broken = exc
            raise

    def send_all(self, items: list) -> list:
        """Sends (message, claim) pairs; returns per message True (sent), False (claimed by another
        run, not sent) or the exception."""
        futures = [
            self._executor.submit(self._send, message, self._claim_from_caller(claim))
            for message, claim in items
        ]
        waiting = set(futures)
        while waiting:
            try:
                claim, reply = self._claims.get(timeout=0.02)
            except queue.Empty:
                waiting = {future for future in waiting if not future.done()}
                continue
            try:
                reply["value"] = claim()
            except Exception as exc:
                reply["error"] = exc
            finally:
                reply["done"].set()
        results: list = []
        for future in futures:
            try:
                results.append(future.result())
            except Exception as exc:
                results.append(exc)
        return results

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        for connection in self._connections:
            try:
                connection.close()
            except Exception:  # a broken connection has nothing left to close
                pass


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
    run. So nothing
    is sent twice and nothing is lost. The rows sent are marked sent at the end of the chunk with
    one UPDATE; a row a dead worker left "sending" is marked sent by the sweeper.
    """
    fresh = dict(
        Delivery.objects.filter(pk__in=[row.pk for row in chunk], status=Delivery.Status.PENDING).values_list(
            "pk", "attempts"
        )
    )
    sent: list[int] = []
    skipped: dict[str, list[int]] = {}
    ready: list[tuple[Delivery, object]] = []
    try:
        for row in chunk:
            if row.pk not in fresh:
                outcomes.append((row.pk, SendOutcome("not-pending")))
                continue
            row.attempts = fresh[row.pk]
            event_type = registry.get(row.event) if registry.is_registered(row.event) else None
            reason = _skip_reason(row, event_type, data)
            if reason:
                skipped.setdefault(reason, []).append(row.pk)
                logger.info("Delivery %s skipped: %s", row.pk, reason)
                outcomes.append((row.pk, SendOutcome("skipped")))
                continue
            source = row.notification or row.outbox
            try:
                message = emails.build_event_email(
                    delivery=row,
                    event_type=event_type,
                    obj=data.objects[(row.content_type_id, row.object_id)],
                    actor=source.actor if source else None,
                    recipient=_recipient_for(row, data),
                    context=source.context if source else {},
                    connection=connection,
                    shared=data.rendered,
                )
            except Exception as exc:
                logger.exception("Delivery %s: the e-mail could not be rendered", row.pk)
                _mark_pending(
                    [row.pk],
                    status=Delivery.Status.FAILED,
                    attempts=row.attempts + 1,
                    last_error=f"render: {type(exc).__name__}: {exc}"[:2000],
                )
                outcomes.append((row.pk, SendOutcome("failed")))
                continue
            ready.append((row, message))
        if sender is not None and len(ready) > 1:
            results = sender.send_all([(message, _claimer(row.pk)) for row, message in ready])
        else:
            results = []
            for row, message in ready:
                try:
                    results.append(send_claimed(message, _claimer(row.pk)))
                except Exception as exc:
                    results.append(exc)
                    if isinstance(exc, _transient_errors()) and not isinstance(exc, _permanent_errors()):
                        break  # the mail server is unwell: leave the rest for the retry
        complete = True
        for (row, _message), result in zip(ready, results, strict=False):
            if result is True:
                sent.append(row.pk)
                outcomes.append((row.pk, SendOutcome("sent")))
            elif result is False:
                outcomes.append((row.pk, SendOutcome("not-pending")))
            elif isinstance(result, _transient_errors()):
                _unclaim(row.pk)
                outcome = _record_send_error(row, result, label="Delivery")
                outcomes.append((row.pk, outcome))
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
                outcomes.append((row.pk, SendOutcome("failed")))
        return complete and len(results) == len(ready)
    finally:
        # Whatever reached the mail server is recorded, also when another message failed.
        if sent:
            Delivery.objects.filter(pk__in=sent, status=Delivery.Status.SENDING).update(
                status=Delivery.Status.SENT, attempts=F("attempts") + 1, sent_at=timezone.now(), last_error=""
            )
        for reason, ids in skipped.items():
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
    # A delivery claimed by a sender that then died (killed between the claim and the record) had
    # reached the mail server (see `_smtp_send`): it is recorded as sent, never sent again.
    abandoned = Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lte=now - timedelta(minutes=CLAIM_EXPIRES_MINUTES)
    ).update(
        status=Delivery.Status.SENT, sent_at=F("claimed_at"), last_error="claimed by a sender that stopped"
    )
    if abandoned:
        logger.warning("Recorded %d delivery(ies) claimed by a sender that stopped as sent", abandoned)
    stale_events = list(
        Outbox.objects.filter(status=Outbox.Status.PENDING, queued_at__lte=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:100]
    )
    for outbox_id in stale_events:
        logger.warning("Expanding notification event %s that no worker expanded", outbox_id)
        outbox_expand(outbox_id=outbox_id)
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
    # Expanded events past the same period have done their work (the inbox rows keep their context).
    Outbox.objects.filter(status=Outbox.Status.EXPANDED, created_at__lt=cutoff).delete()
    return deleted


# --- Providers ------------------------------------------------------------------------------------


def suppression_add(*, email: str, reason: str, detail: str = "") -> Suppression:
    """Stops all e-mail to an address the provider reported as bounced or complaining. Safe to repeat."""
    suppression, _created = Suppression.objects.get_or_create(
        email=email.strip().lower(), defaults={"reason": reason, "detail": detail[:2000]}
    )
    return suppression


# --- Copies to organisations' contact addresses ------------------------------------------------------


@transaction.atomic
def organisation_contact_set(
    *, actor, organisation_id: int, enabled: bool, language: str
) -> OrganisationContact:
    """Switches copies of organisation-level messages to the organisation's contact address on or
    off, and the language they are written in. The view checks that `actor` is an admin of the
    organisation. Safe to repeat."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose a valid language."))
    contact, _created = OrganisationContact.objects.update_or_create(
        organisation_id=organisation_id,
        defaults={"enabled": enabled, "language": language, "updated_by": actor},
    )
    return contact


@transaction.atomic
def organisation_contact_unsubscribe(*, organisation_id: int) -> bool:
    """Turns the copies off for one organisation (the unsubscribe link in such an e-mail). Safe to
    repeat; returns whether they were on."""
    return bool(
        OrganisationContact.objects.filter(organisation_id=organisation_id, enabled=True).update(
            enabled=False, updated_by=None
        )
    )
