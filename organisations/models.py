"""Organisations of the reference group, their people and how they got in.

State changes go through `organisations.services`; the models hold fields, constraints and queries.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .validators import compact_org_number, format_org_number, validate_org_number

INVITATION_VALIDITY = timedelta(days=14)


class FocusArea(models.Model):
    """A form of racism or a target group that an organisation works with (the action plan's axes)."""

    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["order", "name_sv"]

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self) -> str:
        language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return self.name_en if language == "en" and self.name_en else self.name_sv


class OrganisationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Organisation.Status.APPROVED)

    def pending(self):
        return self.filter(status=Organisation.Status.PENDING)

    def listed(self):
        return self.filter(listed_publicly=True)

    def active(self):
        """Organisations that still hold their name: not rejected and not withdrawn."""
        return self.exclude(status__in=Organisation.INACTIVE_STATUSES)

    def search(self, query: str):
        query = (query or "").strip()
        if not query:
            return self
        return self.filter(Q(name__icontains=query) | Q(description__icontains=query))

    def for_user(self, user):
        """Organisations where `user` is an active member."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user, memberships__ended__isnull=True).distinct()


class Organisation(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        NON_PROFIT = "ideell_forening", _("non-profit association (ideell förening)")
        FOUNDATION = "stiftelse", _("foundation (stiftelse)")
        FAITH_COMMUNITY = "trossamfund", _("faith community (trossamfund)")
        ECONOMIC_ASSOCIATION = "ekonomisk_forening", _("economic association (ekonomisk förening)")
        NETWORK = "natverk", _("network or informal group")
        OTHER = "annan", _("other")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        SUSPENDED = "suspended", _("suspended")
        WITHDRAWN = "withdrawn", _("withdrawn")

    INACTIVE_STATUSES = (Status.REJECTED, Status.WITHDRAWN)

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    org_number = models.CharField(
        _("organisation number"),
        max_length=12,
        blank=True,
        validators=[validate_org_number],
        help_text=_("Optional. Ten digits, written NNNNNN-NNNN."),
    )
    kind = models.CharField(_("kind of organisation"), max_length=32, choices=Kind.choices)
    focus_areas = models.ManyToManyField(
        FocusArea, verbose_name=_("focus areas"), blank=True, related_name="organisations"
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    city_districts = models.CharField(
        _("city districts"),
        max_length=300,
        blank=True,
        help_text=_(
            "Where in Stockholm you work, for example “Rinkeby-Kista, Skärholmen” or “the whole city”."
        ),
    )
    logo = models.ImageField(_("logo"), upload_to="organisations/logos/", blank=True)
    listed_publicly = models.BooleanField(_("listed in the public directory"), default=False)
    listing_consent_at = models.DateTimeField(_("consent to listing given"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            # Rejected and withdrawn organisations give their name and number back.
            models.UniqueConstraint(
                Lower("name"),
                condition=~Q(status__in=["rejected", "withdrawn"]),
                name="organisations_unique_active_name",
                violation_error_message=_("An organisation with this name is already registered."),
            ),
            models.UniqueConstraint(
                fields=["org_number"],
                condition=~Q(org_number="") & ~Q(status__in=["rejected", "withdrawn"]),
                name="organisations_unique_active_org_number",
                violation_error_message=_(
                    "An organisation with this organisation number is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(listed_publicly=False) | Q(listing_consent_at__isnull=False),
                name="organisations_listing_needs_consent_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "listed_publicly"]),
            # The public directory (approved, listed) and the coordinators' list (by status), by name.
            models.Index(fields=["status", "listed_publicly", "name"], name="organisations_directory_idx"),
        ]

    def __str__(self):
        return self.name

    # Site search: what the public directory shows (only listed, approved organisations are searched).
    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("description"),
        index.RelatedFields("focus_areas", [index.SearchField("name_sv"), index.SearchField("name_en")]),
    ]

    def get_absolute_url(self):
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    def clean(self):
        self.name = " ".join((self.name or "").split())
        self.org_number = compact_org_number(self.org_number)

    @property
    def org_number_display(self) -> str:
        return format_org_number(self.org_number)

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_public(self) -> bool:
        """Whether anyone may see the profile page."""
        return self.is_approved and self.listed_publicly


class OrganisationStatusChange(models.Model):
    """One step in an organisation's history: who changed the status, when and why."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Organisation.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Organisation.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True, max_length=4000)
    created = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.organisation}: {self.from_status or '–'} → {self.to_status}"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended__isnull=True)

    def admins(self):
        return self.filter(role=Membership.Role.ADMIN)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        MEMBER = "member", _("member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    started = models.DateTimeField(_("member since"), default=timezone.now)
    ended = models.DateTimeField(_("ended"), null=True, blank=True)
    is_primary_contact = models.BooleanField(_("primary contact"), default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "started"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(ended__isnull=True),
                name="organisations_unique_active_membership",
                violation_error_message=_("This person is already a member of the organisation."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.ended is None

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


def _invitation_key() -> str:
    return secrets.token_urlsafe(24)


def _invitation_expiry():
    return timezone.now() + INVITATION_VALIDITY


class Invitation(models.Model):
    """An admin's invitation by e-mail. The link carries a signed token naming the invitation and its
    random key, so a forged or altered link is rejected before the database is asked."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        REVOKED = "revoked", _("withdrawn")
        EXPIRED = "expired", _("expired")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=16, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    key = models.CharField(max_length=64, default=_invitation_key, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=_invitation_expiry)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=Q(status="pending"),
                name="organisations_one_open_invitation_per_email",
                violation_error_message=_("This address already has an open invitation."),
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def get_absolute_url(self):
        return reverse("organisations:invitation", kwargs={"token": self.get_token()})

    def clean(self):
        self.email = (self.email or "").strip().lower()

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.PENDING and self.expires_at <= timezone.now()
        )

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired

    def get_token(self) -> str:
        from .tokens import make_invitation_token

        return make_invitation_token(self)


class JoinRequest(models.Model):
    """A signed-in person asks an approved organisation to let them in; its admins decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(status="pending"),
                name="organisations_one_open_join_request",
                violation_error_message=_("You have already asked to join this organisation."),
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"
