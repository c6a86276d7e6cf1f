"""factory_boy factories shared by the test suites (each app appends its own section)."""

# --- organisations ---------------------------------------------------------------------------------
import factory  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary e-mail address (allauth), able to log in with `password`."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    preferred_language = "sv"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()
        if extracted is False:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )

    @factory.post_generation
    def consent(self, create, extracted, **kwargs):
        """Accepted the current privacy terms, as everyone who signs up does; `consent=False` skips it."""
        if not create or extracted is False:
            return
        from privacy.services import consent_record

        consent_record(user=self)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organisations.Organisation"

    name = factory.Sequence(lambda n: f"Föreningen Exempel {n}")
    slug = factory.Sequence(lambda n: f"foreningen-exempel-{n}")
    kind = "ideell_forening"
    description = "Vi arbetar mot rasism i Stockholm."
    status = "approved"
    listed_publicly = True
    listing_consent_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organisations.Membership"

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "member"


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organisations.JoinRequest"

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    message = "Jag är med i föreningen."


def coordinator(email: str = "samordnare@example.org", *, totp: bool = True, **kwargs):
    """A member of the Coordinators group, with a TOTP authenticator unless `totp=False`."""
    from django.conf import settings
    from django.contrib.auth.models import Group

    user = UserFactory(email=email, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=settings.COORDINATORS_GROUP)[0])
    if totp:
        add_totp(user)
    return user


def add_totp(user) -> str:
    """Give `user` a TOTP authenticator (as allauth.mfa stores it); returns the secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, *, margin: float = 3.0) -> str:
    """The current TOTP code for `secret`. allauth accepts only the current 30-s period, so a code read in
    the last `margin` seconds of a period could reach the server in the next one: then this waits for the
    next period to begin (it waits on the clock, which is the condition itself) and reads that one."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    remaining = period - time.time() % period
    if remaining < margin:
        time.sleep(remaining + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


# --- portal (site pages) ---------------------------------------------------------------------------


def site_home(**fields):
    """A published Swedish HomePage made the default site's root (Wagtail's welcome page stays beside it)."""
    from wagtail.models import Locale, Page, Site

    from portal.models import HomePage

    locale_sv, _ = Locale.objects.get_or_create(language_code="sv")
    fields.setdefault("title", "Teststartsida")
    fields.setdefault("slug", "teststart")
    home = HomePage(locale=locale_sv, **fields)
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


def add_page(parent, page):
    """Add `page` under `parent` and publish it; returns the page."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


# --- meetings --------------------------------------------------------------------------------------
import datetime as _dt  # noqa: E402


def _meeting_start():
    return (timezone.now() + _dt.timedelta(days=14)).replace(hour=16, minute=0, second=0, microsecond=0)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned meeting two weeks ahead, open to members of all approved organisations."""

    class Meta:
        model = "meetings.Meeting"

    title = factory.Sequence(lambda n: f"Referensgruppsmöte {n}")
    kind = "reference_group"
    start = factory.LazyFunction(_meeting_start)
    end = factory.LazyAttribute(lambda o: o.start + _dt.timedelta(hours=2))
    place = "Stadshuset, Ragnar Östbergs plan 1"
    online_link = "https://meet.example.org/referensgruppen"
    description = "Vi går igenom handlingsplanen."
    is_public = False
    invite_all_approved = True


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Punkt {n}")
    presenter = "Samordnaren"
    planned_minutes = 20
    is_public = True
    sort_order = factory.Sequence(lambda n: n)


class MeetingInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Invitation"

    meeting = factory.SubFactory(MeetingFactory, invite_all_approved=False)
    organisation = factory.SubFactory(OrganisationFactory)


class MinutesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Minutes"

    meeting = factory.SubFactory(MeetingFactory, state="held")
    introduction = "Mötet öppnades."


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.ActionItem"

    minutes = factory.SubFactory(MinutesFactory)
    description = factory.Sequence(lambda n: f"Ta fram underlag {n}")
    responsible_unit = "Kommunstyrelsen"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + _dt.timedelta(days=30))


# --- consultations ---------------------------------------------------------------------------------
class ConsultationFactory(factory.django.DjangoModelFactory):
    """A published consultation that is open now (opened yesterday, closes in ten days)."""

    class Meta:
        model = "consultations.Consultation"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Utkast till aktivitet {n}")
    slug = factory.Sequence(lambda n: f"utkast-{n}")
    summary = "Staden vill veta vad civilsamhället tycker om utkastet."
    development_area_id = "collaboration"
    opens_at = factory.LazyFunction(lambda: timezone.now() - _dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + _dt.timedelta(days=10))
    published_at = factory.LazyFunction(timezone.now)
    current_version = 1

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        """`sections=3` creates three sections and version 1 of the text."""
        if not create:
            return
        for index in range(extracted if extracted is not None else 2):
            SectionFactory(consultation=self, sort_order=index)
        if self.published_at:
            from consultations.models import ConsultationVersion
            from consultations.services import consultation_snapshot

            ConsultationVersion.objects.get_or_create(
                consultation=self, number=1, defaults={"snapshot": consultation_snapshot(self)}
            )


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.Section"

    consultation = factory.SubFactory(ConsultationFactory, sections=0)
    heading = factory.Sequence(lambda n: f"Avsnitt {n}")
    body = "<p>Staden föreslår att samverkan sker fyra gånger per år.</p>"
    sort_order = 0


class GuidingQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.GuidingQuestion"

    consultation = factory.SubFactory(ConsultationFactory)
    text = factory.Sequence(lambda n: f"Fråga {n}: vad saknas i utkastet?")
    sort_order = 0


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.Comment"

    consultation = factory.SubFactory(ConsultationFactory)
    author = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    version = 1
    text = "Vi saknar barnperspektivet i detta avsnitt."
