"""State changes behind people's privacy rights: consent, data export, account erasure and retention.

Every function here is safe to call again with the same arguments: a second call finds the work done
and changes nothing (the tasks and the beat schedule rely on it).
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import AuditEntry, DataExport, InactivityNotice, LoginEvent, PrivacyConsent
from portal.ratelimits import truncate_ip  # the network of a log-in; also read as services.truncate_ip
from privacy import registry

logger = logging.getLogger(__name__)


# --- consent -------------------------------------------------------------------------------------


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


# --- data export ---------------------------------------------------------------------------------


@transaction.atomic
def export_request(*, user, now: datetime | None = None) -> DataExport:
    """A person asks for a copy of their data. While an export is still being prepared, asking again
    returns that one instead of starting a second. The ZIP is built by a Celery task after commit."""
    from privacy import tasks

    now = now or timezone.now()
    running = (
        DataExport.objects.select_for_update()
        .filter(user=user, status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING])
        .live(now)
        .first()
    )
    if running is not None:
        return running
    export = DataExport(user=user, created=now, expires_at=now + _export_lifetime())
    export.full_clean()
    export.save()
    tasks.build_data_export.delay_on_commit(export.pk)
    return export


def _export_lifetime() -> timedelta:
    return timedelta(days=settings.PRIVACY_EXPORT_RETENTION_DAYS)


_STALE_RUN = timedelta(minutes=15)


def export_build(*, export_id: int, now: datetime | None = None) -> DataExport | None:
    """Builds the ZIP for one export: a JSON file per section and a readable index.html.

    Claims the export with a conditional update, so a second run (a redelivered task) finds it taken and
    does nothing; a run that died half-way is taken over after 15 minutes. Progress is saved as each
    section is collected so that the status page can show it. Returns the export, or None if it is gone.
    """
    now = now or timezone.now()
    claimed = (
        DataExport.objects.filter(pk=export_id, expires_at__gt=now)
        .filter(
            Q(status=DataExport.Status.PENDING)
            | Q(status=DataExport.Status.RUNNING, created__lt=now - _STALE_RUN)
        )
        .update(status=DataExport.Status.RUNNING, progress=5)
    )
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if not claimed or export is None:
        return export
    user = export.user
    try:
        contributions = [c for c in registry.contributions() if c.exporter is not None]
        data: dict[str, Any] = {}
        for index, contribution in enumerate(contributions, start=1):
            for key, value in contribution.exporter(user).items():
                if key in data:
                    raise ValueError(f"Two apps export a section named {key!r}.")
                data[key] = value
            DataExport.objects.filter(pk=export.pk).update(progress=5 + int(85 * index / len(contributions)))
        content = _zip(user, data, now)
    except Exception as exc:
        logger.exception("Data export %s failed", export_id)
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    with transaction.atomic():
        export = DataExport.objects.select_for_update().get(pk=export.pk)
        if export.status != DataExport.Status.RUNNING:
            return export
        stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
        export.file.save(f"mina-uppgifter-{stamp}.zip", ContentFile(content), save=False)
        export.size = len(content)
        export.status = DataExport.Status.DONE
        export.progress = 100
        export.finished_at = timezone.now()
        export.save()
        from privacy import tasks

        tasks.send_export_ready.delay_on_commit(export.pk)
    return export


def _zip(user, data: dict[str, Any], now: datetime) -> bytes:
    language = user.preferred_language or settings.LANGUAGE_CODE
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, value in data.items():
            archive.writestr(
                f"{key}.json", json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            )
        with translation.override(language):
            sections = [
                {
                    "key": key,
                    "title": str(registry.title_for(key)),
                    "file": f"{key}.json",
                    **_readable(value),
                }
                for key, value in data.items()
            ]
            index = render_to_string(
                "privacy/export_index.html",
                {
                    "sections": sections,
                    "created": now,
                    "language": language,
                    "user_name": user.get_display_name(),
                },
            )
        archive.writestr("index.html", index)
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (dict, list)):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value)


def _readable(value) -> dict[str, Any]:
    """A section as a table (a list of rows) or a list of label/value pairs (one object)."""
    if isinstance(value, list):
        columns: list[str] = []
        for row in value:
            if isinstance(row, dict):
                columns += [k for k in row if k not in columns]
        if columns:
            rows = [
                [_cell(row.get(c)) if isinstance(row, dict) else _cell(row) for c in columns] for row in value
            ]
            return {"columns": [c.replace("_", " ") for c in columns], "rows": rows}
        return {"columns": [""], "rows": [[_cell(v)] for v in value]}
    if isinstance(value, dict):
        return {"pairs": [(k.replace("_", " "), _cell(v)) for k, v in value.items()]}
    return {"pairs": [("", _cell(value))]}


def export_send_ready(*, export_id: int) -> int:
    """E-mails the person that their export is ready, in their language. Like a receipt, it is sent
    whatever their notification settings say. Sends nothing for an export that is gone, expired or not
    ready; otherwise a repeat sends the message again (there is no delivery row), so the task keeps
    `acks_late` off. Returns the number of messages sent."""
    from django.core.mail import EmailMultiAlternatives

    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or not export.is_ready or export.user.deleted_at is not None:
        return 0
    user = export.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "export": export,
            "url": f"{settings.SITE_URL}{export.get_absolute_url()}",
            "expires_at": export.expires_at,
        }
        subject = " ".join(render_to_string("privacy/email/export_ready_subject.txt", context).split())
        body = render_to_string("privacy/email/export_ready_message.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
    return message.send()


def export_delete(*, export: DataExport) -> None:
    """Deletes an export and its file (after commit, so a rolled-back delete keeps the file)."""
    name = export.file.name
    storage = export.file.storage
    export.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- erasure -------------------------------------------------------------------------------------


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


# --- retention -----------------------------------------------------------------------------------


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


def consent_record_for_emails(*, emails: list[str]) -> int:
    """Records consent to the current terms for the accounts with these addresses (the demo accounts
    `seed_demo` creates). Safe to repeat. Returns how many accounts were found."""
    User = get_user_model()
    users = list(User.objects.filter(email__in=[e.lower() for e in emails], deleted_at__isnull=True))
    for user in users:
        consent_record(user=user)
    return len(users)
