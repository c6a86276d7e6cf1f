"""The action plan as structured content, its follow-up on the six-step model, and organisations'
knowledge input.

Structure: a Wagtail page tree, ActionPlanPage → DevelopmentAreaPage → ActivityPage. Coordinators get
preview, revisions, scheduled publishing and wagtail-localize translation for free, and the public URLs
follow the plan (`/handlingsplanen/<area>/<activity>/`). The classification axes that other apps point at
are plain rows that do not change with the language: `DevelopmentArea` (the three areas; consultations
have a foreign key to it, keyed by its code) and `CityBody` (boards and companies). Follow-ups and
inputs are plain models: they have states and permissions that pages don't, and a published follow-up
must never change (a correction is a new follow-up that supersedes it).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.blocks import BodyBlock

TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link"]
FORMS_OF_RACISM = [
    "afrofobi",
    "antisemitism",
    "antiziganism",
    "islamofobi",
    "rasism-mot-samer",
    "alla-former-av-rasism",
]


class _Named(models.Model):
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self) -> str:
        language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return self.name_en if language == "en" and self.name_en else self.name_sv


_AREAS = None


class DevelopmentArea(_Named):
    """One of the plan's three development areas. Consultations point at it by `code`."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)

    class Meta:
        verbose_name = _("development area")
        verbose_name_plural = _("development areas")
        ordering = ["number"]

    @classmethod
    def cached(cls) -> list["DevelopmentArea"]:
        """The three areas, read once per process: they come from a migration and have no admin screen,
        so list filters need not spend a query on them."""
        global _AREAS
        if _AREAS is None:
            _AREAS = list(cls.objects.all())
        return _AREAS


class RightsFocusArea(_Named):
    """A focus area of the city's human-rights programme (MR-programmet) that an activity serves."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("human-rights programme focus area")
        verbose_name_plural = _("human-rights programme focus areas")
        ordering = ["order"]


class CityBody(_Named):
    """A city board (nämnd), company (bolag) or the city executive board: who answers for an activity."""

    class Kind(models.TextChoices):
        EXECUTIVE = "executive", _("City executive board")
        BOARD = "board", _("Board")
        DISTRICT = "district", _("District boards")
        COMPANY = "company", _("Company")
        ALL = "all", _("All boards and company boards")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.BOARD)

    panels = [FieldPanel("name_sv"), FieldPanel("name_en"), FieldPanel("slug"), FieldPanel("kind")]

    class Meta:
        verbose_name = _("city body")
        verbose_name_plural = _("city bodies")
        ordering = ["name_sv"]


class ActivityStatus(models.TextChoices):
    # A context of its own: a meeting is "planerat", an activity "planerad".
    PLANNED = "planned", pgettext_lazy("activity status", "planned")
    ONGOING = "ongoing", _("ongoing")
    COMPLETED = "completed", _("completed")
    DISCONTINUED = "discontinued", _("discontinued")


class Step(models.IntegerChoices):
    """The six steps of the city's model for human rights and the work against racism."""

    COMPETENCE = 1, _("Competence-raising takes place regularly and for new staff")
    STEERING = 2, _("Steering documents and routines include measures against racism")
    MAPPING = 3, _("Methods for mapping and analysis are adapted and in use")
    PARTICIPATION = 4, _("Participation and influence for the people the service is for")
    SYSTEMATIC = 5, _("Systematic work from goals, identified challenges and analyses")
    FOLLOW_UP = 6, _("Coherent follow-up from goals, priorities and development areas")


# --- Pages ------------------------------------------------------------------------------------------


class ActionPlanPage(Page):
    """The plan's root page (the old flat `/handlingsplanen/`)."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["actionplan.DevelopmentAreaPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.plan_context(self, request))
        return context


class DevelopmentAreaPage(Page):
    area = models.ForeignKey(
        DevelopmentArea, verbose_name=_("development area"), on_delete=models.PROTECT, related_name="+"
    )
    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), features=TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("area"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["actionplan.ActionPlanPage"]
    subpage_types = ["actionplan.ActivityPage"]

    class Meta:
        verbose_name = _("development area page")
        verbose_name_plural = _("development area pages")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.area_context(self, request))
        return context


class ActivityPage(Page):
    description = RichTextField(_("description"), features=TEXT_FEATURES, blank=True)
    responsible_body = models.ForeignKey(
        CityBody, verbose_name=_("responsible body"), on_delete=models.PROTECT, related_name="activities"
    )
    cooperating_bodies = ParentalManyToManyField(
        CityBody, verbose_name=_("in co-operation with"), blank=True, related_name="cooperating_activities"
    )
    forms_of_racism = ParentalManyToManyField(
        "organisations.FocusArea",
        verbose_name=_("forms of racism addressed"),
        blank=True,
        related_name="activities",
        limit_choices_to={"slug__in": FORMS_OF_RACISM},
    )
    rights_focus_areas = ParentalManyToManyField(
        RightsFocusArea, verbose_name=_("human-rights programme focus areas"), blank=True, related_name="+"
    )
    period_start = models.PositiveSmallIntegerField(_("from year"), default=2024)
    period_end = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Hears about knowledge input sent to this activity."),
    )
    # Derived from the parent page when saved, so that figures per area are one GROUP BY.
    area = models.ForeignKey(
        DevelopmentArea, null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = Page.content_panels + [
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("responsible_body"), FieldPanel("cooperating_bodies")], heading=_("Responsibility")
        ),
        FieldPanel("forms_of_racism"),
        FieldPanel("rights_focus_areas"),
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")], heading=_("Period")),
        FieldPanel("status"),
        FieldPanel("coordinator"),
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]
    parent_page_types = ["actionplan.DevelopmentAreaPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="actionplan_activity_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            )
        ]

    def save(self, *args, **kwargs):
        parent = self.get_parent() if self.path else None
        if parent is not None:
            area_id = (
                DevelopmentAreaPage.objects.filter(pk=parent.pk).values_list("area_id", flat=True).first()
            )
            self.area_id = area_id
        return super().save(*args, **kwargs)

    @property
    def period_display(self) -> str:
        if self.period_end and self.period_end != self.period_start:
            return f"{self.period_start}–{self.period_end}"
        if self.period_end:
            return str(self.period_start)
        return str(_("from %(year)s") % {"year": self.period_start})

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.activity_context(self, request))
        return context


# --- Follow-up --------------------------------------------------------------------------------------


class FollowUpQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def current(self):
        """Published and not superseded by a published correction."""
        return self.published().exclude(superseded_by__published_at__isnull=False)


class FollowUp(ClusterableModel):
    """A coordinator's account of one activity in one period: which of the six steps are in place.

    Published follow-ups are never changed (services refuse it, and so does the admin); a correction is
    a new follow-up with `supersedes` pointing at the old one."""

    activity = models.ForeignKey(
        ActivityPage, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    period = models.CharField(_("period"), max_length=60, help_text=_("For example “2026” or “spring 2027”."))
    period_end = models.DateField(_("period ends"), help_text=_("Orders the timeline."))
    activity_status = models.CharField(
        _("status of the activity"), max_length=16, choices=ActivityStatus.choices
    )
    narrative = models.TextField(_("what happened"), max_length=5000)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_note = models.CharField(_("what was corrected"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FollowUpQuerySet.as_manager()

    panels = [
        FieldPanel("activity"),
        FieldRowPanel([FieldPanel("period"), FieldPanel("period_end")]),
        FieldPanel("activity_status"),
        FieldPanel("narrative"),
        InlinePanel("steps", heading=_("Steps in place"), label=_("step")),
    ]

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-period_end", "-pk"]

    def __str__(self):
        return f"{self.activity.title} – {self.period}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def clean(self):
        if self.pk and FollowUp.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ValidationError(_("A published follow-up cannot be changed. Make a correction instead."))

    def staircase(self):
        """All six steps in order, each with the recorded row (or None: not yet in place)."""
        rows = {s.step: s for s in self.steps.all()}
        return [(step, rows.get(step.value)) for step in Step]


class FollowUpStep(Orderable):
    follow_up = ParentalKey(FollowUp, on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices)
    in_place = models.BooleanField(_("in place"), default=True)
    justification = models.CharField(_("justification"), max_length=1000)
    evidence_url = models.URLField(_("link"), blank=True)
    evidence_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence_consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation outcome"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence_decision = models.ForeignKey(
        "meetings.Decision",
        verbose_name=_("decision in the minutes"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence_input = models.ForeignKey(
        "actionplan.KnowledgeInput",
        verbose_name=_("knowledge input"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Never shown to the public: the page says only that input from civil society was used."),
    )

    panels = [
        FieldPanel("step"),
        FieldPanel("in_place"),
        FieldPanel("justification"),
        FieldPanel("evidence_url"),
        FieldPanel("evidence_document"),
        FieldPanel("evidence_consultation"),
        FieldPanel("evidence_decision"),
        FieldPanel("evidence_input"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "step"], name="actionplan_one_row_per_step"),
        ]


# --- Knowledge input --------------------------------------------------------------------------------


class Setting(models.TextChoices):
    SCHOOL = "school", _("School")
    PRESCHOOL = "preschool", _("Pre-school")
    SOCIAL = "social", _("Social services")
    CULTURE_SPORT = "culture_sport", _("Culture and sport")
    DIGITAL = "digital", _("Digital platforms and social media")
    HOUSING = "housing", _("Housing")
    WORK = "work", _("Work and labour market")
    PUBLIC_SPACE = "public_space", _("Public spaces and transport")
    HEALTH = "health", _("Health and care")
    OTHER = "other", _("Other")


class CityDistrict(models.TextChoices):
    WHOLE_CITY = "hela-staden", _("The whole city")
    RINKEBY_KISTA = "rinkeby-kista", "Rinkeby-Kista"
    SPANGA_TENSTA = "spanga-tensta", "Spånga-Tensta"
    HASSELBY_VALLINGBY = "hasselby-vallingby", "Hässelby-Vällingby"
    BROMMA = "bromma", "Bromma"
    KUNGSHOLMEN = "kungsholmen", "Kungsholmen"
    NORRMALM = "norrmalm", "Norrmalm"
    OSTERMALM = "ostermalm", "Östermalm"
    SODERMALM = "sodermalm", "Södermalm"
    ENSKEDE = "enskede-arsta-vantor", "Enskede-Årsta-Vantör"
    SKARPNACK = "skarpnack", "Skarpnäck"
    FARSTA = "farsta", "Farsta"
    ALVSJO = "hagersten-alvsjo", "Hägersten-Älvsjö"
    SKARHOLMEN = "skarholmen", "Skärholmen"


class KnowledgeInputQuerySet(models.QuerySet):
    def visible_to(self, user):
        from organisations.models import Membership
        from organisations.permissions import is_coordinator

        if is_coordinator(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = Membership.objects.active().filter(user=user).values("organisation_id")
        return self.filter(organisation_id__in=mine)


class KnowledgeInput(models.Model):
    """What an organisation's members and the people it serves experience (patterns, never individuals),
    sent to the city by the organisation's administrator. Seen by that organisation and coordinators."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="knowledge_inputs",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )
    activity = models.ForeignKey(
        ActivityPage,
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="knowledge_inputs",
    )
    area = models.ForeignKey(
        DevelopmentArea,
        verbose_name=_("development area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="knowledge_inputs",
    )
    forms_of_racism = models.ManyToManyField(
        "organisations.FocusArea", verbose_name=_("forms of racism"), blank=True, related_name="+"
    )
    settings = models.JSONField(_("settings"), default=list, blank=True)
    city_districts = models.JSONField(_("city districts"), default=list, blank=True)
    text = models.TextField(_("what you see"), max_length=8000)
    suggestions = models.TextField(_("suggestions"), max_length=4000, blank=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    objects = KnowledgeInputQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge input")
        verbose_name_plural = _("knowledge inputs")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__isnull=False) | Q(area__isnull=False),
                name="actionplan_input_has_target",
                violation_error_message=_("Choose an activity or a development area."),
            )
        ]

    def __str__(self):
        return str(
            _("Input from %(organisation)s, %(date)s")
            % {"organisation": self.organisation, "date": self.sent_at.date()}
        )

    def clean(self):
        from .validation import find_personnummer

        for name in ("text", "suggestions"):
            if find_personnummer(getattr(self, name) or ""):
                raise ValidationError({name: _("Remove the personal identity number.")})

    def settings_display(self):
        labels = dict(Setting.choices)
        return [labels.get(v, v) for v in self.settings]

    def districts_display(self):
        labels = dict(CityDistrict.choices)
        return [labels.get(v, v) for v in self.city_districts]
