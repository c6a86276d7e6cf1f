"""Consultations (remisser): a draft activity text in sections, comments, formal responses with receipts,
and the published outcome.

The lifecycle `draft → scheduled → open → closed → concluded` is derived from `published_at`, the opening
and closing times and `concluded_at`; the QuerySet methods answer it in the database. State changes go
through `consultations.services`.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, PreviewableMixin
from wagtail.search import index

from portal.models.jobs import Job
from portal.private_media import get_private_storage

COMMENT_MAX_LENGTH = 5000
RESPONSE_TEXT_MAX_LENGTH = 50_000
ANSWER_MAX_LENGTH = 20_000
RATIONALE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_PER_RESPONSE = 10
COMMENT_EDIT_WINDOW = timedelta(minutes=15)
CLOSING_SOON = timedelta(days=3)
SECTION_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


def coordinator_choices():
    """`limit_choices_to` of the responsible coordinator: active members of the coordinators' group."""
    return Q(is_active=True, groups__name=settings.COORDINATORS_GROUP)


class ConsultationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def drafts(self):
        return self.filter(published_at__isnull=True)

    def scheduled(self, now=None):
        return self.published().filter(opens_at__gt=now or timezone.now())

    def open(self, now=None):
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def closing_soon(self, now=None, within=CLOSING_SOON):
        now = now or timezone.now()
        return self.open(now).filter(closes_at__lte=now + within)

    def closed(self, now=None):
        """Past the closing time, outcome not yet published."""
        return self.published().filter(closes_at__lte=now or timezone.now(), concluded_at__isnull=True)

    def concluded(self):
        return self.published().filter(concluded_at__isnull=False)

    def ended(self, now=None):
        """Closed or concluded: everything past the closing time."""
        return self.published().filter(closes_at__lte=now or timezone.now())


class Consultation(PreviewableMixin, index.Indexed, ClusterableModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("coming")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        CONCLUDED = "concluded", _("concluded")

    class Audience(models.TextChoices):
        ALL = "all", _("All approved organisations")
        CHOSEN = "chosen", _("Chosen organisations")

    class ResponsesVisibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Members of approved organisations")
        COORDINATORS = "coordinators", _("Coordinators only")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=False)
    summary = models.TextField(_("summary"), max_length=1000)
    easy_read_summary = models.TextField(
        _("easy-to-read summary"),
        max_length=3000,
        blank=True,
        help_text=_("The same content in plain, easy-to-read language."),
    )
    # Keyed by the area's code, the value this column held when the areas were choices.
    development_area = models.ForeignKey(
        "actionplan.DevelopmentArea",
        verbose_name=_("development area"),
        to_field="code",
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    activity = models.ForeignKey(
        "actionplan.ActivityPage",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
        help_text=_("Optional: the action plan's activity this consultation is about (a draft activity)."),
    )
    focus_areas = ParentalManyToManyField(
        "organisations.FocusArea", verbose_name=_("focus areas"), blank=True, related_name="consultations"
    )
    reference_number = models.CharField(
        _("reference number"),
        max_length=60,
        blank=True,
        help_text=_("The city's diary number (diarienummer)."),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        # Only coordinators may be responsible (the group's name is settings.COORDINATORS_GROUP).
        limit_choices_to=coordinator_choices,
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.ALL)
    invited_organisations = ParentalManyToManyField(
        "organisations.Organisation",
        verbose_name=_("chosen organisations"),
        blank=True,
        related_name="consultation_invitations",
    )
    responses_visibility = models.CharField(
        _("who may read the responses after closing"),
        max_length=16,
        choices=ResponsesVisibility.choices,
        default=ResponsesVisibility.PUBLIC,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    current_version = models.PositiveIntegerField(_("current version"), default=0, editable=False)
    concluded_at = models.DateTimeField(_("outcome published"), null=True, blank=True, editable=False)
    deadline_note = models.TextField(
        _("note on the closing time"),
        max_length=1000,
        blank=True,
        editable=False,
        help_text=_("Why the consultation closed early or was extended; shown to participants."),
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    opened_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    closing_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultations_closes_after_opening",
                violation_error_message=_("The closing time must be after the opening time."),
            ),
        ]
        indexes = [
            models.Index(fields=["published_at", "opens_at", "closes_at"]),
            # The list's tabs order by closing time ("open": soonest first; "ended": latest first).
            models.Index(fields=["closes_at", "opens_at"], name="consultations_closes_idx"),
        ]

    def __str__(self):
        return self.title

    # Site search (portal/search.py): the text a reader can find a consultation by, sections included.
    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("summary"),
        index.SearchField("easy_read_summary"),
        index.SearchField("reference_number"),
        index.RelatedFields("sections", [index.SearchField("heading"), index.SearchField("body")]),
        index.RelatedFields("questions", [index.SearchField("text")]),
    ]

    def get_absolute_url(self):
        return reverse("consultations:detail", kwargs={"slug": self.slug})

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The closing time must be after the opening time.")})

    def status_at(self, now=None) -> str:
        now = now or timezone.now()
        if self.published_at is None:
            return self.Status.DRAFT
        if self.concluded_at is not None:
            return self.Status.CONCLUDED
        if now < self.opens_at:
            return self.Status.SCHEDULED
        if now < self.closes_at:
            return self.Status.OPEN
        return self.Status.CLOSED

    @property
    def status(self) -> str:
        return self.status_at()

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def has_opened(self) -> bool:
        return self.published_at is not None and timezone.now() >= self.opens_at

    @property
    def has_ended(self) -> bool:
        return self.published_at is not None and timezone.now() >= self.closes_at

    # Wagtail preview: the public page as it would look, without comments.
    def get_preview_template(self, request, mode_name, **kwargs):
        return "consultations/consultation_detail.html"

    def get_preview_context(self, request, mode_name, **kwargs):
        from .selectors import preview_context

        return preview_context(self, request)


class Section(Orderable):
    """One part of the draft text. `key` is the stable anchor: it survives edits of heading and text."""

    consultation = ParentalKey(Consultation, on_delete=models.CASCADE, related_name="sections")
    key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    heading = models.CharField(_("heading"), max_length=200)
    body = RichTextField(_("text"), features=SECTION_FEATURES)

    class Meta(Orderable.Meta):
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.heading

    @property
    def anchor(self) -> str:
        return f"avsnitt-{self.key.hex[:12]}"


class GuidingQuestion(Orderable):
    consultation = ParentalKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)

    class Meta(Orderable.Meta):
        verbose_name = _("guiding question")
        verbose_name_plural = _("guiding questions")

    def __str__(self):
        return self.text


class BackgroundDocument(Orderable):
    consultation = ParentalKey(Consultation, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("background document")
        verbose_name_plural = _("background documents")

    def __str__(self):
        return self.document.title


class ConsultationVersion(models.Model):
    """The text as it stood once it was published: a snapshot of the sections. Each edit after opening is a
    new version with a change note; comments record the version they were made on."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("text"))
    change_note = models.TextField(_("change note"), blank=True, max_length=2000)
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="consultations_version_unique"),
        ]

    def __str__(self):
        return f"{self.consultation} v{self.number}"


class CommentQuerySet(models.QuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)

    def visible(self):
        return self.filter(hidden_at__isnull=True, deleted_at__isnull=True)

    def reported(self):
        return self.filter(reports__resolved_at__isnull=True).distinct()


class Comment(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_comments",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="consultation_comments",
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True, max_length=REASON_MAX_LENGTH)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="consultations_hidden_comment_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="consultations_comment_not_own_parent"
            ),
        ]
        indexes = [
            models.Index(fields=["consultation", "section", "created"]),
            # The consultation page reads every comment of one consultation in time order.
            models.Index(fields=["consultation", "created", "id"], name="consultations_comment_page_idx"),
            # The list's comment counts: visible comments per consultation, counted from the index alone.
            models.Index(
                fields=["consultation"],
                condition=Q(deleted_at__isnull=True, hidden_at__isnull=True),
                name="consultations_visible_idx",
            ),
        ]

    def __str__(self):
        return f"{self.author} – {self.consultation}"

    def get_absolute_url(self):
        return f"{self.consultation.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"kommentar-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def editable_until(self):
        return self.created + COMMENT_EDIT_WINDOW


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    created = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("handled"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created"]
        indexes = [
            # The moderation queue: open reports only (a small part of all reports).
            models.Index(
                fields=["comment"],
                condition=Q(resolved_at__isnull=True),
                name="consultations_open_report_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="consultations_one_open_report_per_person",
                violation_error_message=_("You have already reported this comment."),
            ),
        ]

    def __str__(self):
        return f"{self.comment_id}: {self.reason[:40]}"


class Response(models.Model):
    """An organisation's formal response (remissvar). The draft lives here and is visible only inside the
    organisation; each submission freezes it into a `ResponseVersion`."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="consultation_responses",
    )
    text = models.TextField(_("response"), blank=True, max_length=RESPONSE_TEXT_MAX_LENGTH)
    revision = models.PositiveIntegerField(default=0, editable=False)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["consultation", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organisation"], name="consultations_one_response_per_org"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.consultation}"


class ResponseAnswer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(GuidingQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer"), blank=True, max_length=ANSWER_MAX_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="consultations_one_answer_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.response_id}/{self.question_id}"


def _attachment_path(instance, filename):
    return f"consultations/responses/{uuid.uuid4().hex}/{filename}"


class ResponseAttachment(models.Model):
    """A file in the draft. Submission copies it into the version, so a later change of the draft never
    touches what was submitted."""

    class Kind(models.TextChoices):
        PDF = "application/pdf", "PDF"
        DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"
        ODT = "application/vnd.oasis.opendocument.text", "ODT"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"), upload_to=_attachment_path, storage=get_private_storage, max_length=300
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created", "pk"]

    def __str__(self):
        return self.name


class ResponseVersion(models.Model):
    """One submitted, immutable state of a response. A correction before the deadline is a new version;
    the older ones stay, marked as superseded by the newer number."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("response"), blank=True)
    answers = models.JSONField(_("answers"), default=list)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by_name = models.CharField(_("submitted by"), max_length=200)
    sha256 = models.CharField(_("checksum (SHA-256)"), max_length=64)
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("submitted response")
        verbose_name_plural = _("submitted responses")
        ordering = ["response", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "number"], name="consultations_response_version_unique"
            ),
        ]

    def __str__(self):
        return self.receipt_number

    def get_receipt_url(self):
        return reverse(
            "consultations:receipt",
            kwargs={"slug": self.response.consultation.slug, "receipt": self.receipt_number},
        )


def _version_file_path(instance, filename):
    return f"consultations/submitted/{uuid.uuid4().hex}/{filename}"


class ResponseVersionFile(models.Model):
    version = models.ForeignKey(ResponseVersion, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=_version_file_path, storage=get_private_storage, max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Mark(models.TextChoices):
    TAKEN = "taken", _("taken on board")
    PARTLY = "partly", _("partly taken on board")
    NOT_TAKEN = "not_taken", _("not taken on board")
    NOTED = "noted", _("noted")


class Outcome(models.Model):
    """What the city did with the input. Written after closing; publishing it concludes the consultation."""

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="outcome")
    summary = models.TextField(_("summary"), blank=True, max_length=20_000)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self):
        return f"{self.consultation}"


class SectionOutcome(models.Model):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="section_answers")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="outcome_answers")
    text = models.TextField(_("how the input was used"), blank=True, max_length=10_000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "section"], name="consultations_one_answer_per_section"
            ),
        ]

    def __str__(self):
        return f"{self.outcome_id}/{self.section_id}"


class InputMark(models.Model):
    """The coordinator's mark on one comment or one response."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="marks")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="marks"
    )
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.CASCADE, related_name="marks"
    )
    mark = models.CharField(_("mark"), max_length=12, choices=Mark.choices)
    rationale = models.TextField(_("rationale"), blank=True, max_length=RATIONALE_MAX_LENGTH)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(comment__isnull=False) & Q(response__isnull=True))
                | (Q(comment__isnull=True) & Q(response__isnull=False)),
                name="consultations_mark_one_target",
            ),
            models.UniqueConstraint(
                fields=["outcome", "comment"],
                condition=Q(comment__isnull=False),
                name="consultations_mark_comment_once",
            ),
            models.UniqueConstraint(
                fields=["outcome", "response"],
                condition=Q(response__isnull=False),
                name="consultations_mark_response_once",
            ),
        ]

    def __str__(self):
        return self.get_mark_display()


def _export_path(instance, filename):
    return f"consultations/exports/{uuid.uuid4().hex}/{filename}"


class Export(Job):
    """A coordinator's export, produced by a Celery task; the status page polls it."""

    class Kind(models.TextChoices):
        XLSX = "xlsx", _("spreadsheet (XLSX)")
        PDF = "pdf", _("printable compilation (PDF)")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    file = models.FileField(upload_to=_export_path, storage=get_private_storage, blank=True, max_length=300)

    class Meta(Job.Meta):
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.consultation} ({self.kind})"

    def get_absolute_url(self):
        return reverse("workspace_consultation", args=[self.consultation_id]) + "#exports"
