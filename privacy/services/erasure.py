"""Account erasure: what blocks it, and the erasure itself (each app's part through the registry, the
portal's own part here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import AuditEntry, DataExport, InactivityNotice, LoginEvent, PrivacyConsent
from privacy import registry

from .exports import export_delete


@dataclass(frozen=True)
class Blocker:
    """Why an account cannot be deleted yet, with a link to where the person can fix it."""

    message: str
    url: str = ""
    link_text: str = ""

    def __str__(self):
        return self.message


class ErasureBlocked(Exception):
    def __init__(self, blockers):
        self.blockers = list(blockers)
        super().__init__("; ".join(str(b) for b in self.blockers))


def deletion_blockers(user) -> list[Blocker]:
    """What stops `user`'s account from being deleted now (e.g. being an organisation's last admin)."""
    found: list[Blocker] = []
    for contribution in registry.contributions():
        if contribution.blocker is None:
            continue
        for reason in contribution.blocker(user):
            found.append(reason if isinstance(reason, Blocker) else Blocker(message=str(reason)))
    return found


def tombstone_email(user) -> str:
    return f"deleted-{user.pk}@invalid"


def personal_strings(user) -> list[str]:
    """The strings that identify `user` in free text written about them by the portal (audit trail,
    log entries): address, names, and the address's local part when it was their displayed name."""
    found = [user.email, user.display_name, user.get_full_name(), user.first_name, user.last_name]
    if not (user.display_name or user.get_full_name()) and user.email:
        found.append(user.email.split("@")[0])
    seen = []
    for value in found:
        value = (value or "").strip()
        if len(value) >= 3 and value not in seen and value != tombstone_email(user):
            seen.append(value)
    return sorted(seen, key=len, reverse=True)


@transaction.atomic
def account_erase(*, user, now: datetime | None = None, check_blockers: bool = True) -> Any:
    """Erases a person's personal data and keeps their user row as a tombstone (inactive, no name, an
    address that cannot receive mail, `deleted_at` set), so that comments and records keep their links
    and show "Deleted user, Organisation". Each app's eraser removes or anonymises what it holds;
    submitted organisation responses and approved minutes stay as they are.

    Refuses (ErasureBlocked) while a blocker applies, e.g. the last admin of an organisation. Safe to run
    again: an erased account has nothing left to erase."""
    User = get_user_model()
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if check_blockers:
        blockers = deletion_blockers(user)
        if blockers:
            raise ErasureBlocked(blockers)
    strings = personal_strings(user)
    for contribution in registry.contributions():
        if contribution.eraser is not None:
            contribution.eraser(user)
    _scrub_logs(user, strings)
    _delete_sessions(user)

    user.email = tombstone_email(user)
    user.first_name = ""
    user.last_name = ""
    user.display_name = ""
    if user.has_usable_password():
        user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = user.deleted_at or now
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return user


def _portal_erase(user) -> None:
    """The portal's own part of an erasure: account addresses, authenticators, consents, log-ins,
    exports, the Wagtail profile."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.filter(user=user).delete()
    if apps.is_installed("allauth.socialaccount"):
        from allauth.socialaccount.models import SocialAccount

        SocialAccount.objects.filter(user=user).delete()
    if apps.is_installed("allauth.usersessions"):
        from allauth.usersessions.models import UserSession

        UserSession.objects.filter(user=user).delete()
    PrivacyConsent.objects.filter(user=user).delete()
    LoginEvent.objects.filter(user=user).delete()
    InactivityNotice.objects.filter(user=user).delete()
    for export in DataExport.objects.filter(user=user):
        export_delete(export=export)
    if apps.is_installed("wagtail.users"):
        from wagtail.users.models import UserProfile

        for profile in UserProfile.objects.filter(user=user):
            if profile.avatar:
                name, storage = profile.avatar.name, profile.avatar.storage
                transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
            profile.delete()


def _replace_in(value, strings: list[str], placeholder: str):
    if isinstance(value, str):
        for s in strings:
            if s.lower() in value.lower():
                import re

                value = re.sub(re.escape(s), placeholder, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [_replace_in(v, strings, placeholder) for v in value]
    if isinstance(value, dict):
        return {k: _replace_in(v, strings, placeholder) for k, v in value.items()}
    return value


def _scrub_logs(user, strings: list[str]) -> None:
    """Logs written by the portal, Wagtail and Django's admin keep what happened, but the person's name
    and address in their texts become "Deleted user"."""
    if not strings:
        return
    with translation.override(settings.LANGUAGE_CODE):
        placeholder = _("Deleted user")
    query = Q()
    for s in strings:
        query |= Q(object_repr__icontains=s) | Q(details__icontains=s)
    for entry in AuditEntry.objects.filter(query):
        entry.object_repr = _replace_in(entry.object_repr, strings, placeholder)[:255]
        entry.details = _replace_in(entry.details, strings, placeholder)
        entry.save(update_fields=["object_repr", "details"])
    if apps.is_installed("wagtail"):
        from wagtail.models import ModelLogEntry, PageLogEntry

        for model in (ModelLogEntry, PageLogEntry):
            query = Q()
            for s in strings:
                query |= Q(label__icontains=s) | Q(data__icontains=s)
            for entry in model.objects.filter(query):
                entry.label = _replace_in(entry.label, strings, placeholder)
                entry.data = _replace_in(entry.data, strings, placeholder)
                entry.save(update_fields=["label", "data"])
    if apps.is_installed("django.contrib.admin"):
        from django.contrib.admin.models import LogEntry

        query = Q()
        for s in strings:
            query |= Q(object_repr__icontains=s) | Q(change_message__icontains=s)
        for entry in LogEntry.objects.filter(query):
            entry.object_repr = _replace_in(entry.object_repr, strings, placeholder)[:200]
            entry.change_message = _replace_in(entry.change_message, strings, placeholder)
            entry.save(update_fields=["object_repr", "change_message"])


def _delete_sessions(user) -> None:
    """Ends every session of the person (database-backed sessions are searched for their id)."""
    from importlib import import_module

    engine = settings.SESSION_ENGINE
    if engine not in ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"):
        return
    from django.contrib.sessions.models import Session

    store = import_module(engine).SessionStore
    pk = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now() - timedelta(days=1)).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == pk:
            store(session.session_key).delete()
