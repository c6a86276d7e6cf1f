from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoUserManager):
    """Users log in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    class Language(models.TextChoices):
        SWEDISH = "sv", "Svenska"
        ENGLISH = "en", "English"

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("name"), max_length=150, blank=True, help_text=_("Shown with what you write in the portal.")
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.SWEDISH
    )
    # Set when the person deleted their account (or it was erased for inactivity): the row stays as a
    # tombstone without personal data, so that what they wrote keeps its links.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    # What get_display_name reads, in the order of display_name_from's arguments.
    DISPLAY_NAME_FIELDS = ("display_name", "first_name", "last_name", "email", "deleted_at")

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name_from(
            self.display_name, self.first_name, self.last_name, self.email, self.deleted_at
        )

    @staticmethod
    def display_name_from(display_name, first_name, last_name, email, deleted_at) -> str:
        """get_display_name from the values of DISPLAY_NAME_FIELDS (for lists read as rows)."""
        if deleted_at is not None:
            from django.utils.translation import gettext

            return gettext("Deleted user")
        return display_name or f"{first_name} {last_name}".strip() or email.split("@")[0]

    def get_short_name(self) -> str:
        return self.get_display_name()

    @property
    def is_coordinator(self) -> bool:
        from django.conf import settings

        if not self.is_authenticated or not self.is_active:
            return False
        cache = getattr(self, "_is_coordinator_cache", None)
        if cache is None:
            cache = self.is_superuser or self.groups.filter(name=settings.COORDINATORS_GROUP).exists()
            self._is_coordinator_cache = cache
        return cache
