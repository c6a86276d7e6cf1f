"""Meetings of the reference group: agenda, invitations and RSVPs, attendance, minutes with notes,
decisions and action items, and the tokens behind personal calendar feeds.

Fields follow OParl 1.1 where it has a name for them (meeting state, ordered agenda items with a public
flag, result and resolution text, files). Every row has `created` and `modified` so that an open-data API
can follow changes. State changes go through `meetings.services`.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable
from wagtail.search import index


class TimeStamped(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


# --- Meeting --------------------------------------------------------------------------------------


class MeetingQuerySet(models.QuerySet):
    def coming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start", "pk")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start", "-pk")

    def public(self):
        return self.filter(is_public=True)

    def invited(self, organisation_ids):
        """Meetings to which any of these (approved) organisations is invited."""
        return self.filter(
            Q(invite_all_approved=True) | Q(invitations__organisation_id__in=list(organisation_ids))
        )


class Meeting(index.Indexed, TimeStamped, ClusterableModel):
    class Kind(models.TextChoices):
        REFERENCE_GROUP = "reference_group", _("reference group meeting")
        WORKING_GROUP = "working_group", _("working group")
        DIALOGUE = "dialogue", _("dialogue")
        WORKSHOP = "workshop", _("workshop")

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind of meeting"), max_length=32, choices=Kind.choices, default=Kind.REFERENCE_GROUP
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    place = models.CharField(
        _("place"),
        max_length=300,
        blank=True,
        help_text=_("Address and room, or leave empty for online only."),
    )
    online_link = models.URLField(
        _("online link"), blank=True, help_text=_("Shown only to members of invited organisations.")
    )
    description = models.TextField(_("description"), blank=True, max_length=10000)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PLANNED)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, max_length=2000)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Anyone can see a public meeting and its public agenda items."),
    )
    invite_all_approved = models.BooleanField(
        _("invite all approved organisations"),
        default=True,
        help_text=_("Otherwise only the organisations chosen below are invited."),
    )
    rsvp_deadline = models.DateTimeField(
        _("answer by"),
        null=True,
        blank=True,
        help_text=_("Empty: answers are taken until the meeting starts."),
    )
    # Raised whenever time, place or state changes, so calendar clients replace their copy (RFC 5545).
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="meetings_meeting_end_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "start"]),
            models.Index(fields=["is_public", "end"]),
            # The coming (end ≥ now, by start) and past (end < now, by start descending) lists.
            models.Index(fields=["end", "start"], name="meetings_end_start_idx"),
            models.Index(fields=["start", "id"], name="meetings_start_idx"),
        ]

    def __str__(self):
        return self.title

    # Site search: no agenda item titles, since some are members-only and would reveal themselves by
    # matching; what a meeting's visible page shows to everyone who may see it.
    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("description"),
        index.SearchField("place"),
    ]

    def get_absolute_url(self):
        return reverse("meetings:detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The meeting must end after it starts.")})
        if self.rsvp_deadline and self.start and self.rsvp_deadline > self.start:
            raise ValidationError(
                {"rsvp_deadline": _("The last day to answer must be before the meeting starts.")}
            )

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED

    @property
    def is_planned(self) -> bool:
        return self.state == self.State.PLANNED

    @property
    def effective_rsvp_deadline(self):
        return self.rsvp_deadline or self.start

    def rsvp_open(self, now=None) -> bool:
        return self.is_planned and (now or timezone.now()) < self.effective_rsvp_deadline

    @property
    def calendar_uid(self) -> str:
        """Derived from the primary key only, so it never changes (RFC 5545 UID)."""
        host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
        return f"meeting-{self.pk}@{host}"


class MeetingDocument(Orderable):
    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="meeting_documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    members_only = models.BooleanField(
        _("members only"),
        default=False,
        help_text=_("Shown and served only to members of the invited organisations and to coordinators."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta(Orderable.Meta):
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self):
        return str(self.document)


class AgendaItem(TimeStamped, ClusterableModel, Orderable):
    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.CharField(
        _("number"),
        max_length=10,
        blank=True,
        help_text=_("For example “3” or “3a”. Empty: numbered in order."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    planned_minutes = models.PositiveSmallIntegerField(_("planned minutes"), null=True, blank=True)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Non-public items are shown only to invited members.")
    )
    documents = ParentalManyToManyField("wagtaildocs.Document", verbose_name=_("documents"), blank=True)
    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_agenda_items",
        help_text=_("Optional: the consultation this item is about."),
    )
    activity = models.ForeignKey(
        "actionplan.ActivityPage",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        help_text=_("Optional: the action plan's activity this item is about."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title


# --- Invitations and attendance ---------------------------------------------------------------------


class Invitation(TimeStamped):
    """An organisation's invitation to a meeting and its answer (RSVP)."""

    class Answer(models.TextChoices):
        NONE = "none", _("not answered")
        ATTENDING = "attending", _("attending")
        DECLINED = "declined", _("not attending")

    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
    )
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices, default=Answer.NONE)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("who attends"), blank=True, related_name="meeting_rsvps"
    )
    # Access or interpretation needs: only coordinators see them.
    needs = models.TextField(_("access or interpretation needs"), blank=True, max_length=2000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="meetings_one_invitation_per_org"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} → {self.meeting}"


class Attendance(TimeStamped):
    """Who was actually there, recorded by a coordinator: a person, an organisation or both."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_attendances",
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For people without an account.")
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(user__isnull=False) | ~Q(name=""),
                name="meetings_attendance_names_someone",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="meetings_attendance_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                condition=Q(user__isnull=True, organisation__isnull=False),
                name="meetings_attendance_once_per_org",
            ),
        ]

    def __str__(self):
        return self.name or str(self.user or self.organisation)


# --- Minutes --------------------------------------------------------------------------------------


class Minutes(index.Indexed, TimeStamped):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("out for review")
        APPROVED = "approved", _("approved")
        PUBLISHED = "published", _("published")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("members of invited organisations")
        PUBLIC = "public", _("everyone")

    LOCKED_STATES = (State.APPROVED, State.PUBLISHED)

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    audience = models.CharField(
        _("published to"), max_length=16, choices=Audience.choices, default=Audience.MEMBERS
    )
    introduction = models.TextField(_("general notes"), blank=True, max_length=10000)
    review_days = models.PositiveSmallIntegerField(_("days for review"), null=True, blank=True)
    review_deadline = models.DateTimeField(_("comments by"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "review"]) | (Q(approved_at__isnull=False) & ~Q(sha256="")),
                name="meetings_minutes_approved_has_approval",
            ),
        ]

    def __str__(self):
        return str(_("Minutes: %(meeting)s") % {"meeting": self.meeting})

    # Site search: the general notes and the meeting's title (notes on members-only items are left out).
    search_fields = [
        index.SearchField("introduction"),
        index.RelatedFields("meeting", [index.SearchField("title", boost=2)]),
    ]

    def get_absolute_url(self):
        return reverse("meetings:detail", kwargs={"pk": self.meeting_id}) + "#minutes"

    @property
    def is_locked(self) -> bool:
        """Approved minutes are immutable; corrections are appended as notes."""
        return self.state in self.LOCKED_STATES

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class _MinutesPart(TimeStamped):
    """Notes and decisions belong to the minutes' text: frozen once the minutes are approved."""

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if (
            self.minutes_id
            and Minutes.objects.filter(pk=self.minutes_id, state__in=Minutes.LOCKED_STATES).exists()
        ):
            raise ValidationError(_("Approved minutes cannot be changed. Add a correction instead."))


class AgendaItemNote(_MinutesPart):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="notes")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("notes"), max_length=20000)

    class Meta:
        verbose_name = _("agenda item note")
        verbose_name_plural = _("agenda item notes")
        constraints = [
            models.UniqueConstraint(fields=["minutes", "agenda_item"], name="meetings_one_note_per_item"),
        ]

    def __str__(self):
        return self.text[:60]


class Decision(_MinutesPart):
    class Result(models.TextChoices):
        ADOPTED = "adopted", _("adopted")
        REJECTED = "rejected", _("rejected")
        POSTPONED = "postponed", _("postponed")
        NOTED = "noted", _("noted")

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"), max_length=5000)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, default=Result.ADOPTED)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["minutes", "agenda_item"], name="meetings_one_decision_per_item"),
        ]

    def __str__(self):
        return self.text[:60]


class MinutesCorrection(TimeStamped):
    """A note appended to approved minutes; the approved text itself never changes."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(_("correction"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["created", "pk"]

    def __str__(self):
        return self.text[:60]


class MinutesComment(TimeStamped):
    """A review comment by someone who attended, while the minutes are out for review."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=5000)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created", "pk"]

    def __str__(self):
        return self.text[:60]


# --- Action items ---------------------------------------------------------------------------------


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ActionItem.Status.OPEN)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def due_within(self, days: int, today=None):
        """Open items due from today up to `days` days ahead."""
        today = today or timezone.localdate()
        return self.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))


class ActionItem(TimeStamped):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="action_items")
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
        verbose_name=_("agenda item"),
    )
    description = models.TextField(_("what is to be done"), max_length=3000)
    responsible_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("responsible organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_action_items",
    )
    responsible_unit = models.CharField(_("responsible city unit"), max_length=200, blank=True)
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_action_items",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    activity = models.ForeignKey(
        "actionplan.ActivityPage",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
        help_text=_("Optional: the action plan's activity this action item belongs to."),
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_organisation__isnull=False)
                | Q(responsible_person__isnull=False)
                | ~Q(responsible_unit=""),
                name="meetings_action_item_has_responsible",
                violation_error_message=_(
                    "Name who is responsible: an organisation, a city unit or a person."
                ),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        super().clean()
        if not (
            self.responsible_organisation_id or self.responsible_person_id or self.responsible_unit.strip()
        ):
            raise ValidationError(_("Name who is responsible: an organisation, a city unit or a person."))

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.OPEN
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def responsible_display(self) -> str:
        parts = [
            str(x)
            for x in (self.responsible_organisation, self.responsible_unit, self.responsible_person)
            if x
        ]
        return ", ".join(parts)


class ActionItemUpdate(TimeStamped):
    """A status change or comment on an action item, by the responsible organisation or a coordinator."""

    action_item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=ActionItem.Status.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=3000)

    class Meta:
        verbose_name = _("action item update")
        verbose_name_plural = _("action item updates")
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.action_item_id}: {self.status}"


# --- Calendar -------------------------------------------------------------------------------------


def _calendar_key() -> str:
    return secrets.token_urlsafe(32)


class CalendarTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class CalendarToken(TimeStamped):
    """The secret in a personal calendar feed's address. Revoking it makes the address stop working."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    key = models.CharField(max_length=64, unique=True, default=_calendar_key, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = CalendarTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="meetings_one_active_calendar_token",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"

    def get_absolute_url(self):
        return reverse("meetings:personal_feed", kwargs={"key": self.key})
