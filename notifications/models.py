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

    # The two writes that send no signal forget the recipients' cached unread counts (notifications/unread).
    def bulk_create(self, objs, *args, **kwargs):
        from notifications import unread

        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        unread.forget({notification.recipient_id for notification in objs})
        return created

    def update(self, **kwargs):
        from notifications import unread

        recipients = set(self.values_list("recipient_id", flat=True).distinct())
        updated = super().update(**kwargs)
        unread.forget(recipients)
        return updated


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
        indexes = [
            # The inbox page: one user's notifications, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_inbox_idx"),
            # The unread count in the header (and "mark all read"): a small partial index.
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notif_unread_idx"
            ),
            # The nightly retention purge of old read notifications.
            models.Index(
                fields=["read_at"], condition=models.Q(read_at__isnull=False), name="notif_read_at_idx"
            ),
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Outbox(models.Model):
    """One `notify()` call: the event, its object and the audience computed at that moment.

    A small audience is expanded at once, in the caller's transaction, into inbox rows and deliveries.
    A large one is written here only (one row, so the web request stays quick whatever the audience)
    and expanded by `notifications.expand_outbox` after commit; the sweeper queues again a row whose
    expansion did not happen (Redis down, worker lost), so nothing is lost. Expanding twice creates
    nothing twice: the inbox rows and deliveries have unique keys.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        EXPANDED = "expanded", _("Expanded")

    event = models.CharField(_("event"), max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    dedupe_key = models.CharField(max_length=100, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    context = models.JSONField(default=dict, blank=True)
    # The users (ids) and organisations (ids) who hear about it, as they were when the event happened.
    recipient_ids = models.JSONField(default=list, blank=True)
    organisation_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    expanded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification event")
        verbose_name_plural = _("notification events")
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=models.Q(status="pending"),
                name="notif_outbox_pending_idx",
            )
        ]

    def __str__(self):
        return f"{self.event} {self.object_id} ({self.status})"


class DeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Delivery.Status.PENDING)

    def immediate(self):
        return self.filter(frequency=Frequency.IMMEDIATELY)


class Delivery(models.Model):
    """One message to one recipient over one channel: the unit that is sent exactly once.

    The recipient is a user, or (for a copy of an organisation-level message to an organisation's
    contact address) no user but a plain `address`, with the organisation and the language to write
    in. The unique constraints on (event, object, recipient, channel) and on (event, object, address,
    channel) make a second `notify()` for the same event a no-op, and the claim in
    `services.delivery._send_chunk` (a committed conditional update pending → sending, made just
    before the message is committed to the mail server) makes a second task run a no-op.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # Claimed by a sender at the moment the message is committed to the mail server, and not yet
        # recorded: never sent again (see `services.delivery._send_chunk`).
        SENDING = "sending", _("Sending")
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
    # Who claimed the delivery for sending, and when (host:pid), for the status "sending".
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True, default="")
    digest_run = models.ForeignKey(
        "DigestRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    outbox = models.ForeignKey(
        Outbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    # Set only for a copy to an organisation's contact address (recipient is then null).
    address = models.EmailField(_("e-mail address"), blank=True, default="")
    organisation_id = models.PositiveBigIntegerField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True, default="")

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "content_type", "object_id", "dedupe_key", "recipient", "channel"],
                name="notifications_delivery_once",
            ),
            models.UniqueConstraint(
                fields=["event", "content_type", "object_id", "dedupe_key", "address", "channel"],
                condition=~models.Q(address=""),
                name="notifications_delivery_address_once",
            ),
            models.CheckConstraint(
                condition=models.Q(address="") | models.Q(recipient__isnull=True),
                name="notifications_delivery_user_or_address",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "frequency", "queued_at"], name="notif_delivery_sweep_idx"),
            models.Index(fields=["recipient", "status", "frequency"], name="notif_delivery_digest_idx"),
        ]

    def __str__(self):
        return f"{self.event} → {self.address or self.recipient_id} ({self.channel}, {self.status})"


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


class OrganisationContact(models.Model):
    """Whether an organisation's organisation-level messages also go to its contact address.

    Keyed by the organisation's id, not a foreign key: the notifications app imports no domain app's
    models. The address itself is read from the organisation (through the directory the organisations
    app registers, see `registry.register_organisation_directory`), so a changed address is used at
    once. A row for a deleted organisation is harmless: the directory no longer knows the id.
    """

    organisation_id = models.PositiveBigIntegerField(unique=True)
    enabled = models.BooleanField(_("also send to the contact address"), default=False)
    language = models.CharField(
        _("language of the e-mails"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation contact address setting")
        verbose_name_plural = _("organisation contact address settings")

    def __str__(self):
        return f"{self.organisation_id}: {'on' if self.enabled else 'off'}"
