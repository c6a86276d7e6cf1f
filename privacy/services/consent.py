"""Consent to the privacy terms and the record of log-ins."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal.models import InactivityNotice, LoginEvent, PrivacyConsent
from portal.ratelimits import truncate_ip


def current_terms_version() -> str:
    return settings.PRIVACY_TERMS_VERSION


def has_current_consent(user) -> bool:
    return PrivacyConsent.objects.filter(user=user, version=current_terms_version()).exists()


@transaction.atomic
def consent_record(*, user, version: str | None = None, now: datetime | None = None) -> PrivacyConsent:
    """Stores that `user` accepted the privacy terms (the current version unless given). Accepting the
    same version again keeps the first acceptance time."""
    consent, _created = PrivacyConsent.objects.get_or_create(
        user=user,
        version=version or current_terms_version(),
        defaults={"accepted_at": now or timezone.now()},
    )
    return consent


# --- log-ins -------------------------------------------------------------------------------------


@transaction.atomic
def login_event_record(*, user, ip_address: str | None = None, now: datetime | None = None) -> LoginEvent:
    """Records one successful log-in (called from the `user_logged_in` signal). A log-in also cancels a
    pending warning about inactivity. Each call is one row."""
    InactivityNotice.objects.filter(user=user).delete()
    return LoginEvent.objects.create(
        user=user, created=now or timezone.now(), network=truncate_ip(ip_address)
    )


def consent_record_for_emails(*, emails: list[str]) -> int:
    """Records consent to the current terms for the accounts with these addresses (the demo accounts
    `seed_demo` creates). Safe to repeat. Returns how many accounts were found."""
    User = get_user_model()
    users = list(User.objects.filter(email__in=[e.lower() for e in emails], deleted_at__isnull=True))
    for user in users:
        consent_record(user=user)
    return len(users)
