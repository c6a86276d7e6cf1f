"""What the portal keeps to honour people's privacy rights: consent to the privacy terms, data exports,
log-in events (kept for a limited time) and notices before an inactive account is erased.

State changes go through `privacy.services`.
"""

import os
import secrets
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PrivateExportStorage(FileSystemStorage):
    """Exports live under PRIVATE_MEDIA_ROOT/<PRIVACY_EXPORT_DIR> (outside MEDIA_ROOT), with no public URL:
    only the permission-checked download view reads them. The location follows the settings at each use
    (tests change PRIVATE_MEDIA_ROOT)."""

    @property
    def base_location(self):
        return str(Path(settings.PRIVATE_MEDIA_ROOT) / settings.PRIVACY_EXPORT_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


private_export_storage = PrivateExportStorage()


def get_private_export_storage():
    # A callable, so that migrations refer to it by name instead of freezing a path.
    return private_export_storage


def _export_path(instance, filename):
    # A random directory per export: even a mis-configured web server that serves MEDIA_ROOT whole
    # cannot be made to hand out a file whose name nobody can guess.
    return f"{secrets.token_urlsafe(24)}/{filename}"


class PrivacyConsent(models.Model):
    """A person accepted version `version` of the privacy terms at `accepted_at`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="privacy_consents",
    )
    version = models.CharField(_("version of the privacy terms"), max_length=40)
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)

    class Meta:
        verbose_name = _("consent to the privacy terms")
        verbose_name_plural = _("consents to the privacy terms")
        ordering = ["-accepted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="portal_privacyconsent_once_per_version")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.version}"


class DataExportQuerySet(models.QuerySet):
    def live(self, now=None):
        """Exports that can still be downloaded (or are being prepared)."""
        return self.filter(expires_at__gt=now or timezone.now())

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())


def _export_expiry():
    from datetime import timedelta

    return timezone.now() + timedelta(days=settings.PRIVACY_EXPORT_RETENTION_DAYS)


class DataExport(models.Model):
    """A ZIP of everything the portal holds about one person, built by a Celery task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("being prepared")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(
        storage=get_private_export_storage, upload_to=_export_path, blank=True, max_length=300
    )
    size = models.PositiveIntegerField(_("size"), default=0)
    error = models.TextField(blank=True)
    created = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("can be downloaded until"), default=_export_expiry, db_index=True)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.user_id} {self.created:%Y-%m-%d %H:%M} ({self.status})"

    def get_absolute_url(self):
        return reverse("privacy:export_status", kwargs={"public_id": self.public_id})

    def get_download_url(self):
        return reverse("privacy:export_download", kwargs={"public_id": self.public_id})

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE and self.expires_at > timezone.now()

    @property
    def is_in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)


class LoginEvent(models.Model):
    """One successful log-in: when, who, and from which network. The address is cut to its network
    (IPv4 /24, IPv6 /48) before it is stored; rows are pruned after PRIVACY_LOGIN_LOG_RETENTION_DAYS."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="login_events",
    )
    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    network = models.CharField(_("network"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("log-in")
        verbose_name_plural = _("log-ins")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.user_id} {self.created:%Y-%m-%d %H:%M}"


class InactivityNotice(models.Model):
    """The e-mail that warns an inactive person before their account is erased. Logging in removes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Set when the e-mail has gone out: an account is never erased on a warning nobody received.
    erase_after = models.DateTimeField(_("erased after"), null=True, blank=True)

    class Meta:
        verbose_name = _("inactivity notice")
        verbose_name_plural = _("inactivity notices")

    def __str__(self):
        return f"{self.user_id} {self.created:%Y-%m-%d}"
