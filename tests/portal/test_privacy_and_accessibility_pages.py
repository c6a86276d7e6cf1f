"""The privacy page and the accessibility statement that seed_demo publishes: what they must say, in
Swedish and English, and that a re-run updates an untouched page but never an editor's version."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.core.management import call_command

from portal.models import ContentPage, SiteSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_once, db):
    return demo_once


def _page(slug):
    return ContentPage.objects.live().get(slug=slug)


def _text(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    main = response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


# seed_demo writes the version of the terms that people accept (H2's consent) into the page.
TERMS_VERSION = getattr(settings, "PRIVACY_TERMS_VERSION", "1")

PRIVACY_SV = [
    "Kommunstyrelsen i Stockholms stad är personuppgiftsansvarig",
    "Ditt konto",
    "Din organisation",
    "allmän handling",
    "Det finns kvar även om du tar bort ditt konto",
    "”Borttagen användare”",
    "Behoven ser bara stadens samordnare",
    "Allmänt intresse",
    "Samtycke",
    "offentliga förteckningen",
    "aldrig har bekräftats: tas bort efter 30 dagar",
    "inte har använts på 24 månader",
    "tas bort 30 dagar senare",
    "tas bort efter 7 dagar",
    "Inloggningsloggen och loggen över skickad e-post: 12 månader",
    "Få ut dina uppgifter",
    "Rätta",
    "Radera",
    "Integritetsskyddsmyndigheten (IMY)",
    f"version {TERMS_VERSION} av villkoren",
]
PRIVACY_EN = [
    "The City Executive Board (Kommunstyrelsen) of the City of Stockholm is the controller",
    "official document",
    "It stays even if you delete your account",
    "“Deleted user”",
    "Only the city's coordinators see your needs",
    "Public interest",
    "Consent",
    "public directory",
    "never confirmed: deleted after 30 days",
    "not used for 24 months",
    "deleted 30 days later",
    "deleted after 7 days",
    "The log-in log and the log of sent e-mail: 12 months",
    "Get your data",
    "Correct",
    "Erase",
    "Swedish Authority for Privacy Protection (IMY)",
    f"version {TERMS_VERSION} of the terms",
]
ACCESSIBILITY_SV = [
    "Stockholms stad står bakom webbplatsen Referensgruppen mot rasism",
    "delvis förenlig",
    "WCAG 2.1 nivå AA",
    "Innehåll som inte är tillgängligt",
    "Oskäligt betungande anpassning",
    "Innehåll som inte omfattas av lagen",
    "referensgruppen@example.org",
    "Myndigheten för digital förvaltning (Digg)",
    "digg.se/tdosanmalan",
    "självskattning",
    "axe",
    "tangentbord",
    "skärmläsare",
    "Den senaste bedömningen gjordes den 24 november 2026",
    "Redogörelsen uppdaterades senast den 24 november 2026",
]
ACCESSIBILITY_EN = [
    "The City of Stockholm runs the website Reference group against racism",
    "partially compliant",
    "WCAG 2.1 level AA",
    "Non-accessible content",
    "Disproportionate burden",
    "Content outside the scope of the law",
    "referensgruppen@example.org",
    "Agency for Digital Government (Digg)",
    "digg.se/tdosanmalan",
    "self-assessment",
    "axe",
    "keyboard",
    "screen readers",
    "The latest assessment was made on 24 November 2026",
    "The statement was last updated on 24 November 2026",
]


@pytest.mark.parametrize(
    "slug, expected",
    [
        ("personuppgifter", PRIVACY_SV),
        ("privacy", PRIVACY_EN),
        ("tillganglighet", ACCESSIBILITY_SV),
        ("accessibility", ACCESSIBILITY_EN),
    ],
)
def test_page_says_what_it_must(client, seeded, slug, expected):
    text = _text(client, _page(slug))
    missing = [phrase for phrase in expected if phrase not in text]
    assert not missing, f"{slug} lacks {missing}"


def test_digg_report_form_and_imy_are_real_links(client, seeded):
    accessibility = client.get(_page("tillganglighet").url).content.decode()
    assert 'href="https://www.digg.se/tdosanmalan"' in accessibility
    assert 'href="mailto:referensgruppen@example.org"' in accessibility
    privacy = client.get(_page("privacy").url).content.decode()
    assert 'href="https://www.imy.se"' in privacy


def test_both_pages_are_linked_from_every_footer_in_both_languages(client, seeded):
    site_settings = SiteSettings.objects.get()
    assert site_settings.privacy_page.slug == "personuppgifter"
    assert site_settings.accessibility_page.slug == "tillganglighet"
    sv = client.get("/").content.decode().split('class="site-footer"', 1)[1]
    en = client.get("/en/").content.decode().split('class="site-footer"', 1)[1]
    assert _page("personuppgifter").url in sv and _page("tillganglighet").url in sv
    assert _page("privacy").url in en and _page("accessibility").url in en


def test_a_re_run_changes_nothing(seeded):
    pages = [_page(slug) for slug in ["personuppgifter", "privacy", "tillganglighet", "accessibility"]]
    revisions = [page.revisions.count() for page in pages]
    call_command("seed_demo", verbosity=0)
    assert [page.revisions.count() for page in pages] == revisions


def test_a_re_run_brings_an_untouched_old_page_up_to_date(client, seeded):
    """A database seeded before these texts existed gets them; no editor had touched the page."""
    page = _page("tillganglighet")
    page.intro = "Gammal demotext."
    page.body = '[{"type": "paragraph", "value": "<p>Gammal redog\\u00f6relse.</p>"}]'
    page.save_revision().publish()
    assert "Gammal redogörelse" in _text(client, page)

    call_command("seed_demo", verbosity=0)
    text = _text(client, _page("tillganglighet"))
    assert "Gammal" not in text
    assert "Redogörelsen uppdaterades senast den 24 november 2026" in text


def test_a_re_run_keeps_an_editors_version(client, seeded):
    page = _page("privacy")
    editor = UserFactory(email="redaktor@example.org")
    page.intro = "Our own privacy text, written by the city's editor."
    page.save_revision(user=editor).publish()

    call_command("seed_demo", verbosity=0)
    assert "written by the city's editor" in _text(client, _page("privacy"))
