"""What the parts of the notifications services share: the logger, chunking, the publish retry policy,
the errors that count as permanent or transient, and how a failed attempt is recorded."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.utils import timezone

from notifications.models import Suppression

# One logger for the whole package, under the name the module had before it became a package.
logger = logging.getLogger("notifications.services")

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
