"""Demo organisations for `manage.py seed_demo`: three approved organisations, an organisation admin and a
member, and one application waiting for a coordinator. Safe to run any number of times; sends no e-mail."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import FocusArea, Membership, Organisation, OrganisationStatusChange

ACCOUNTS = [
    ("org-admin@example.org", "demo-orgadmin-2026", "Amina Warsame", "sv"),
    ("medlem@example.org", "demo-medlem-2026", "Johan Lindqvist", "sv"),
]

ORGANISATIONS = [
    {
        "slug": "ungdomsforeningen-bron",
        "name": "Ungdomsföreningen Bron",
        "kind": Organisation.Kind.NON_PROFIT,
        "org_number": "8020015569",
        "status": Organisation.Status.APPROVED,
        "focus_areas": ["barn-och-unga", "afrofobi", "alla-former-av-rasism"],
        "description": "Läxhjälp, idrott och samtalsgrupper för unga i Järva. Vi utbildar unga ledare i "
        "normkritik och att säga ifrån mot rasism.",
        "city_districts": "Rinkeby-Kista, Spånga-Tensta",
        "website": "https://example.org/bron",
        "public_email": "info@bron.example.org",
        "members": [("org-admin@example.org", "admin", True), ("medlem@example.org", "member", False)],
    },
    {
        "slug": "stiftelsen-lika-varde",
        "name": "Stiftelsen Lika Värde",
        "kind": Organisation.Kind.FOUNDATION,
        "org_number": "",
        "status": Organisation.Status.APPROVED,
        "focus_areas": ["antisemitism", "islamofobi", "antiziganism"],
        "description": "Stiftelsen stödjer skolor och arbetsplatser med utbildning om antisemitism, "
        "islamofobi och antiziganism.",
        "city_districts": "Hela staden",
        "members": [("org-admin@example.org", "admin", True)],
    },
    {
        "slug": "samiska-natverket-i-stockholm",
        "name": "Samiska nätverket i Stockholm",
        "kind": Organisation.Kind.NETWORK,
        "org_number": "",
        "status": Organisation.Status.APPROVED,
        "focus_areas": ["rasism-mot-samer"],
        "description": "Ett nätverk för samer i Stockholm som sprider kunskap om samisk kultur och om rasism "
        "mot samer.",
        "city_districts": "Hela staden",
        "members": [("medlem@example.org", "admin", True)],
    },
    {
        "slug": "foreningen-gemensam-grund",
        "name": "Föreningen Gemensam grund",
        "kind": Organisation.Kind.NON_PROFIT,
        "org_number": "",
        "status": Organisation.Status.PENDING,
        "focus_areas": ["alla-former-av-rasism"],
        "description": "Samtalscaféer om vardagsrasism i Skärholmen.",
        "city_districts": "Skärholmen",
        "members": [("org-admin@example.org", "admin", True)],
    },
]


def _account(command, email, password, name, language):
    user, created = get_user_model().objects.get_or_create(
        email=email, defaults={"display_name": name, "preferred_language": language}
    )
    if created:
        user.set_password(password)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if user.check_password(password):
        command.demo_passwords[email] = password
    return user


def seed(command):
    users = {email: _account(command, email, pw, name, lang) for email, pw, name, lang in ACCOUNTS}
    for spec in ORGANISATIONS:
        spec = dict(spec)
        members = spec.pop("members")
        focus_slugs = spec.pop("focus_areas")
        slug = spec.pop("slug")
        organisation, created = Organisation.objects.get_or_create(
            slug=slug,
            defaults={**spec, "listed_publicly": True, "listing_consent_at": timezone.now()},
        )
        if not created:
            continue
        organisation.focus_areas.set(FocusArea.objects.filter(slug__in=focus_slugs))
        OrganisationStatusChange.objects.create(organisation=organisation, to_status="pending")
        if organisation.status != Organisation.Status.PENDING:
            OrganisationStatusChange.objects.create(
                organisation=organisation, from_status="pending", to_status=organisation.status
            )
        for email, role, primary in members:
            Membership.objects.get_or_create(
                user=users[email],
                organisation=organisation,
                ended=None,
                defaults={"role": role, "is_primary_contact": primary},
            )
