from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.registry import Frequency


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def read(self):
        return self.filter(read_at__isnull=False)


class Notification(models.Model):
    """One line in a user's in-portal inbox; written in the same transaction as the event."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    event = models.CharField(_("event"), max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    # Distinguishes repeated events about one object (e.g. "closes in 7 days" vs "in 2 days").
    dedupe_key = models.CharField(max_length=100, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "content_type", "object_id", "dedupe_key", "recipient"],
                name="notifications_notification_once",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_read_idx")]

    def __str__(self):
        return f"{self.event} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Delivery.Status.PENDING)

    def immediate(self):
        return self.filter(frequency=Frequency.IMMEDIATELY)


class Delivery(models.Model):
    """One message to one recipient over one channel: the unit that is sent exactly once.

    The unique constraint makes a second `notify()` for the same event a no-op, and the claim in
    `services.delivery_send` (a row lock on a pending row) makes a second task run a no-op.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    event = models.CharField(_("event"), max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    dedupe_key = models.CharField(max_length=100, blank=True, default="")
    # SET_NULL so that a recipient who deleted the account leaves a row the sender can mark skipped.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="notification_deliveries"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATELY
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the delivery was last handed to the broker (or is due for a retry); the sweeper re-queues
    # pending rows whose time is long past.
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest_run = models.ForeignKey(
        "DigestRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "content_type", "object_id", "dedupe_key", "recipient", "channel"],
                name="notifications_delivery_once",
            )
        ]
        indexes = [
            models.Index(fields=["status", "frequency", "queued_at"], name="notif_delivery_sweep_idx"),
            models.Index(fields=["recipient", "status", "frequency"], name="notif_delivery_digest_idx"),
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient_id} ({self.channel}, {self.status})"


class Preference(models.Model):
    """How often a user wants e-mail about one event type; no row means the event type's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(_("event"), max_length=100)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notifications_preference_once")
        ]

    def __str__(self):
        return f"{self.user_id} {self.event}: {self.frequency}"


class DigestRun(models.Model):
    """One digest e-mail for one user and period; the unique key makes each digest go out once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    period = models.CharField(
        max_length=20, help_text="2025-03-14 for a daily digest, 2025-W11 for a weekly one"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "frequency", "period"], name="notifications_digest_once")
        ]

    def __str__(self):
        return f"{self.frequency} {self.period} → {self.user_id} ({self.status})"


class Suppression(models.Model):
    """An address the provider reported as bounced or complaining: nothing is sent to it any more."""

    email = models.EmailField(_("e-mail address"), unique=True)
    reason = models.CharField(_("reason"), max_length=50)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self):
        return f"{self.email} ({self.reason})"
