"""Retention: what the daily run (`apply_retention`, on the beat schedule) removes, prunes or warns about."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.models import DataExport, InactivityNotice, LoginEvent
from privacy import registry

from .erasure import ErasureBlocked, _portal_erase, account_erase
from .exports import export_delete

logger = logging.getLogger(__name__)


def _months(n: int) -> timedelta:
    return timedelta(days=round(n * 365.25 / 12))


def remove_unverified_accounts(*, now: datetime | None = None) -> int:
    """Deletes accounts whose e-mail address was never verified within PRIVACY_UNVERIFIED_ACCOUNT_DAYS:
    never logged in, no verified address, not staff. Such an account has written nothing, so the row
    goes. Returns how many went; a second run finds none."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS)
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    candidates = (
        User.objects.filter(
            date_joined__lt=cutoff,
            last_login__isnull=True,
            deleted_at__isnull=True,
            is_staff=False,
            is_superuser=False,
            emailaddress__isnull=False,
        )
        .exclude(pk__in=verified)
        .distinct()
    )
    removed = 0
    for user in candidates.iterator():
        with transaction.atomic():
            _portal_erase(user)
            user.delete()
        removed += 1
    return removed


def warn_inactive_accounts(*, now: datetime | None = None) -> int:
    """Creates a notice (and e-mails a warning after commit) for each account without a log-in for
    PRIVACY_INACTIVE_ACCOUNT_MONTHS. One notice per person: a second run warns nobody twice. Returns
    the number of new notices."""
    from privacy import tasks

    User = get_user_model()
    now = now or timezone.now()
    cutoff = now - _months(settings.PRIVACY_INACTIVE_ACCOUNT_MONTHS)
    noticed = InactivityNotice.objects.values("user_id")
    candidates = (
        User.objects.filter(is_active=True, deleted_at__isnull=True, is_superuser=False)
        .annotate(seen=Coalesce("last_login", "date_joined"))
        .filter(seen__lt=cutoff)
        .exclude(pk__in=noticed)
        .exclude(email__endswith="@invalid")
    )
    created = 0
    for user in candidates.iterator():
        with transaction.atomic():
            notice, new = InactivityNotice.objects.get_or_create(user=user, defaults={"created": now})
            if new:
                created += 1
                tasks.send_inactivity_warning.delay_on_commit(notice.pk)
    return created


def inactivity_warning_send(*, notice_id: int, now: datetime | None = None) -> int:
    """Sends the warning for one notice and sets the erasure date PRIVACY_INACTIVE_GRACE_DAYS ahead.
    A notice already sent is not sent again. Returns the number of messages sent."""
    from django.core.mail import EmailMultiAlternatives

    now = now or timezone.now()
    with transaction.atomic():
        notice = (
            InactivityNotice.objects.select_for_update().select_related("user").filter(pk=notice_id).first()
        )
        if notice is None or notice.sent_at is not None:
            return 0
        user = notice.user
        erase_after = now + timedelta(days=settings.PRIVACY_INACTIVE_GRACE_DAYS)
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            from django.urls import reverse

            context = {
                "user": user,
                "erase_after": erase_after,
                "login_url": f"{settings.SITE_URL}{reverse('account_login')}",
                "months": settings.PRIVACY_INACTIVE_ACCOUNT_MONTHS,
            }
            subject = " ".join(
                render_to_string("privacy/email/inactive_warning_subject.txt", context).split()
            )
            body = render_to_string("privacy/email/inactive_warning_message.txt", context)
        sent = EmailMultiAlternatives(subject=subject, body=body, to=[user.email]).send()
        notice.sent_at = now
        notice.erase_after = erase_after
        notice.save(update_fields=["sent_at", "erase_after"])
        return sent


def erase_inactive_accounts(*, now: datetime | None = None) -> int:
    """Erases the accounts whose warning went out at least PRIVACY_INACTIVE_GRACE_DAYS ago and who have
    not logged in since. An account still blocked (an organisation's last admin) is left for the next
    run and logged. Returns the number erased."""
    now = now or timezone.now()
    erased = 0
    for notice in InactivityNotice.objects.select_related("user").filter(erase_after__lte=now):
        user = notice.user
        if user.last_login and user.last_login > notice.created:
            notice.delete()
            continue
        try:
            account_erase(user=user, now=now)
        except ErasureBlocked as exc:
            logger.warning("Inactive account %s not erased: %s", user.pk, exc)
            continue
        erased += 1
    return erased


def delete_expired_exports(*, now: datetime | None = None) -> int:
    """Deletes exports (and their files) past their download time. Returns how many."""
    now = now or timezone.now()
    count = 0
    for export in DataExport.objects.expired(now):
        with transaction.atomic():
            export_delete(export=export)
        count += 1
    return count


def prune_logs(*, now: datetime | None = None) -> dict[str, int]:
    """Deletes log-in events and (through the apps' pruners) other logs older than
    PRIVACY_LOG_RETENTION_DAYS. Returns {what: count}."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PRIVACY_LOG_RETENTION_DAYS)
    counts = {"login_events": LoginEvent.objects.filter(created__lt=cutoff).delete()[0]}
    for contribution in registry.contributions():
        if contribution.pruner is not None:
            counts.update(contribution.pruner(cutoff))
    return counts


def apply_retention(*, now: datetime | None = None) -> dict[str, Any]:
    """The daily retention run (Celery beat): every rule above, each idempotent."""
    now = now or timezone.now()
    result: dict[str, Any] = {
        "unverified_removed": remove_unverified_accounts(now=now),
        "inactive_warned": warn_inactive_accounts(now=now),
        "inactive_erased": erase_inactive_accounts(now=now),
        "exports_deleted": delete_expired_exports(now=now),
    }
    result.update(prune_logs(now=now))
    from portal import idempotency, kept_drafts

    result["idempotency_keys_deleted"] = idempotency.purge(now=now)
    result["kept_drafts_deleted"] = kept_drafts.purge(now=now)
    return result
