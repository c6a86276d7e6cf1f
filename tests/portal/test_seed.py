from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, Page, Site

from portal.management.commands.seed_demo import Command
from portal.models import ContactFormPage, HomePage, SiteSettings

pytestmark = pytest.mark.django_db


def _seed():
    command = Command(stdout=StringIO(), stderr=StringIO())
    call_command(command)
    return command


@pytest.fixture
def seeded(demo_once, db):
    return demo_once


def test_seed_twice_gives_the_same_result(seeded):
    counts = (Page.objects.count(), get_user_model().objects.count(), EmailAddress.objects.count())
    _seed()
    assert (Page.objects.count(), get_user_model().objects.count(), EmailAddress.objects.count()) == counts
    assert Redirect.objects.count() == 0


def test_seed_replaces_the_welcome_page_with_a_bilingual_home(client, seeded):
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage) and home.locale.language_code == "sv"
    assert not Page.objects.filter(depth=2, content_type__model="page").exists()

    sv = client.get("/").content.decode()
    en = client.get("/en/").content.decode()
    assert "<h1>Referensgruppen mot rasism</h1>" in sv
    assert "<h1>Reference group against racism</h1>" in en
    assert 'href="/en/about/"' in en  # the English menu
    assert 'href="/om-referensgruppen/"' in sv


def test_every_seeded_page_exists_in_both_languages(seeded):
    locale_en = Locale.objects.get(language_code="en")
    swedish = Page.objects.filter(locale__language_code="sv", depth__gte=2)
    assert swedish.count() >= 11
    for page in swedish:
        translation = page.get_translation_or_none(locale_en)
        assert translation is not None and translation.live, page.title
        assert translation.title != page.title or page.title == translation.title == "Antisemitism"
    contact_en = ContactFormPage.objects.get(locale=locale_en)
    assert [f.label for f in contact_en.form_fields.all()] == ["Name", "E-mail address", "Message"]


def test_seed_sets_site_settings_and_accounts(client, seeded):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    assert site_settings.contact_email
    assert "Hantverkargatan 1" in site_settings.postal_address
    assert site_settings.privacy_page.slug == "personuppgifter"
    assert site_settings.accessibility_page.slug == "tillganglighet"
    footer = client.get("/en/").content.decode()
    assert 'href="/en/accessibility/"' in footer and 'href="/en/privacy/"' in footer

    User = get_user_model()
    admin = User.objects.get(email="admin@example.org")
    coordinator = User.objects.get(email="samordnare@example.org")
    assert admin.is_superuser and not coordinator.is_superuser
    assert set(coordinator.groups.values_list("name", flat=True)) >= {
        settings.COORDINATORS_GROUP,
        "Moderators",
    }
    for user in (admin, coordinator):
        assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
        assert user.check_password(seeded.demo_passwords[user.email])


def test_accessibility_statement_has_what_digg_asks_for(client, seeded):
    html = client.get("/tillganglighet/").content.decode()
    for text in ["delvis förenlig", "Innehåll som inte är tillgängligt", "Rapportera brister", "Digg"]:
        assert text in html


def test_search_finds_a_seeded_page(client, seeded):
    html = client.get("/search/", {"q": "islamofobi"}).content.decode()
    assert 'href="/handlingsplanen/"' in html
    html = client.get("/en/search/", {"q": "collaboration"}).content.decode()
    assert 'href="/en/action-plan/"' in html
    assert 'href="/handlingsplanen/"' not in html
