"""The anonymous page cache (portal/caching.py): what is shared, with whom, and when it goes stale.

Each test runs on the test settings' local-memory cache and, when REDIS_URL is set, again on the real
Redis (the production backend), because a shared cache that leaks is exactly what must not happen there.
"""

import re

import pytest
from django.test import Client
from wagtail.models import Site

from consultations import services as consultation_services
from consultations.models import Consultation
from portal import caching
from portal.models import ContactFormField, ContactFormPage, ContentPage, NewsArticlePage, NewsIndexPage
from tests.factories import (
    CommentFactory,
    ConsultationFactory,
    OrganisationFactory,
    UserFactory,
    add_page,
    coordinator,
)

pytestmark = pytest.mark.django_db

HIT = caching.CACHE_HEADER


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _html(response) -> str:
    return response.content.decode()


PUBLIC_PATHS = [
    "/",
    "/en/",
    "/samraden/",
    "/samraden/motesplatser/",
    "/en/samraden/motesplatser/",
    "/moten/",
    "/organisationer/",
]


def test_anonymous_pages_are_served_from_the_cache(page_cache, public_site, consultation):
    anonymous = _client()
    for path in PUBLIC_PATHS:
        first = anonymous.get(path)
        assert first.status_code == 200, path
        assert first[HIT] == "miss", path
        second = anonymous.get(path)
        assert second[HIT] == "hit", path
        assert second.content == first.content, path
        assert "Cookie" in second["Vary"], path

    # A change that bypasses the model signals is not seen until the pages are invalidated: the second
    # response above really came from the cache.
    Consultation.objects.filter(pk=consultation.pk).update(title="Ny rubrik på samrådet")
    assert "Ny rubrik på samrådet" not in _html(anonymous.get("/samraden/"))
    caching.invalidate_pages()
    assert "Ny rubrik på samrådet" in _html(anonymous.get("/samraden/"))


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_a_members_page_is_never_served_to_anyone_else(page_cache, public_site, anna, bertil, path):
    # The member first, so that their page would be the one stored if anything were stored.
    anna_client = _client(anna)
    page = anna_client.get(path)
    assert page.status_code == 200
    assert "Anna Hemligsson" in _html(page)
    assert re.search(r'class="badge"[^>]*>3<', _html(page)), "the header shows Anna's unread count"
    assert HIT not in page

    anonymous = _client().get(path)
    assert anonymous.status_code == 200
    assert "Anna Hemligsson" not in _html(anonymous)
    assert "Log in" in _html(anonymous) or "Logga in" in _html(anonymous)

    bertils = _client(bertil).get(path)
    assert "Bertil Annansson" in _html(bertils)
    assert "Anna Hemligsson" not in _html(bertils)
    assert not re.search(r'class="badge"[^>]*>3<', _html(bertils))

    # And the other way round: the anonymous page, now cached, is not what a member gets.
    assert _client().get(path)[HIT] == "hit"
    again = anna_client.get(path)
    assert "Anna Hemligsson" in _html(again)
    assert HIT not in again


def test_a_session_or_a_message_cookie_bypasses_the_cache(page_cache, public_site):
    _client().get("/samraden/")
    assert _client().get("/samraden/")[HIT] == "hit"

    with_session = _client()
    with_session.cookies["sessionid"] = "no-such-session"
    response = with_session.get("/samraden/")
    assert response.status_code == 200
    assert HIT not in response

    with_message = _client()
    with_message.cookies["messages"] = "anything"
    assert HIT not in with_message.get("/samraden/")


def test_english_and_swedish_are_cached_apart(page_cache, public_site):
    anonymous = _client()
    for _ in range(2):
        swedish, english = anonymous.get("/"), anonymous.get("/en/")
        assert '<html lang="sv">' in _html(swedish)
        assert '<html lang="en">' in _html(english)
        swedish_list, english_list = anonymous.get("/samraden/"), anonymous.get("/en/samraden/")
        assert "Samråd" in _html(swedish_list) and "Consultations" in _html(english_list)
        assert "Consultations</h1>" not in _html(swedish_list)
    assert swedish[HIT] == english[HIT] == "hit"


def test_cached_pages_carry_no_csrf_token_and_logging_in_still_works(page_cache, public_site):
    UserFactory(email="inloggning@example.org", display_name="Ingrid Inloggad")
    browser = _client(enforce_csrf_checks=True)
    for _ in range(2):
        home_page = browser.get("/")
    assert home_page[HIT] == "hit"
    assert "csrfmiddlewaretoken" not in _html(home_page)
    assert 'action="/search/"' in _html(home_page) or "search" in _html(home_page)
    assert "/accounts/login/" in _html(home_page)

    # The log-in page has a form that posts: it sets the CSRF cookie and is never stored.
    login_pages = [browser.get("/accounts/login/") for _ in range(2)]
    assert all(HIT not in page for page in login_pages)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _html(login_pages[-1])).group(1)
    response = browser.post(
        "/accounts/login/",
        {
            "login": "inloggning@example.org",
            "password": "correct-horse-battery",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert "Ingrid Inloggad" in _html(browser.get("/"))


def test_a_wagtail_page_with_a_form_is_never_stored_and_its_form_posts(page_cache, home, mailoutbox):
    page = ContactFormPage(title="Kontakt", slug="kontakt", thank_you_text="<p>Tack för ditt meddelande.</p>")
    page.form_fields = [
        ContactFormField(label="Namn", field_type="singleline", required=True),
        ContactFormField(label="Meddelande", field_type="multiline", required=True),
    ]
    add_page(home, page)
    browser = _client(enforce_csrf_checks=True)
    first, second = browser.get("/kontakt/"), browser.get("/kontakt/")
    assert HIT not in first and HIT not in second
    assert "csrfmiddlewaretoken" in _html(second)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _html(second)).group(1)
    names = {field.label: field.clean_name for field in page.form_fields.all()}
    response = browser.post(
        "/kontakt/",
        {names["Namn"]: "Amina", names["Meddelande"]: "Hej!", "website": "", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    assert "Tack för ditt meddelande." in _html(response)


def test_publishing_a_consultation_shows_it_to_visitors_at_once(
    page_cache, public_site, django_capture_on_commit_callbacks
):
    draft = ConsultationFactory(title="Nytt samråd om fritid", slug="fritid", published_at=None, sections=1)
    anonymous = _client()
    for _ in range(2):
        listing, home_page = anonymous.get("/samraden/"), anonymous.get("/")
    assert listing[HIT] == home_page[HIT] == "hit"
    assert "Nytt samråd om fritid" not in _html(listing)
    assert anonymous.get("/samraden/fritid/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        consultation_services.consultation_publish(consultation=draft, actor=coordinator())

    assert "Nytt samråd om fritid" in _html(anonymous.get("/samraden/"))
    assert "Nytt samråd om fritid" in _html(anonymous.get("/"))
    assert anonymous.get("/samraden/fritid/").status_code == 200


def test_a_new_comment_shows_on_the_cached_consultation_page(page_cache, public_site, consultation):
    anonymous = _client()
    anonymous.get("/samraden/motesplatser/")
    assert anonymous.get("/samraden/motesplatser/")[HIT] == "hit"
    CommentFactory(consultation=consultation, text="Öppettiderna behöver vara längre på helger.")
    page = anonymous.get("/samraden/motesplatser/")
    assert "Öppettiderna behöver vara längre på helger." in _html(page)


def test_publishing_and_unpublishing_a_wagtail_page_reaches_visitors_at_once(page_cache, home):
    anonymous = _client()
    for _ in range(2):
        home_page = anonymous.get("/")
    assert home_page[HIT] == "hit"

    page = add_page(home, ContentPage(title="Om referensgruppen", slug="om", show_in_menus=True))
    assert "Om referensgruppen" in _html(anonymous.get("/"))
    assert anonymous.get("/om/").status_code == 200
    assert anonymous.get("/om/")[HIT] == "hit"

    page.title = "Om oss och gruppen"
    page.save_revision().publish()
    assert "Om oss och gruppen" in _html(anonymous.get("/om/"))
    assert "Om oss och gruppen" in _html(anonymous.get("/"))

    page.unpublish()
    assert anonymous.get("/om/").status_code == 404
    assert "Om oss och gruppen" not in _html(anonymous.get("/"))


def test_latest_news_fragment_follows_publishing_for_members(page_cache, home, anna):
    news = add_page(home, NewsIndexPage(title="Nyheter", slug="nyheter"))
    add_page(news, NewsArticlePage(title="Första nyheten", slug="forsta"))
    member = _client(anna)
    assert "Första nyheten" in _html(member.get("/"))
    add_page(news, NewsArticlePage(title="Andra nyheten", slug="andra"))
    page = _client(anna).get("/")
    assert "Andra nyheten" in _html(page)
    assert "Anna Hemligsson" in _html(page)


def test_only_public_views_are_stored(page_cache, public_site):
    anonymous = _client()
    for path in ("/search/?q=samr%C3%A5d", "/accounts/signup/", "/organisationer/registrera/"):
        for _ in range(2):
            response = anonymous.get(path)
        assert HIT not in response, path


def test_head_requests_use_the_cache_and_other_methods_do_not(page_cache, public_site):
    anonymous = _client()
    anonymous.get("/moten/")
    assert anonymous.head("/moten/")[HIT] == "hit"
    assert HIT not in anonymous.post("/moten/")


def test_switched_off_with_zero_seconds(settings, public_site):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    anonymous = _client()
    assert HIT not in anonymous.get("/samraden/")
    assert HIT not in anonymous.get("/samraden/")


def test_site_settings_change_invalidates(page_cache, public_site):
    from portal.models import SiteSettings

    anonymous = _client()
    anonymous.get("/")
    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.footer_text = "Referensgruppen träffas varje månad."
    settings_row.save()
    assert "Referensgruppen träffas varje månad." in _html(anonymous.get("/"))


def test_a_comment_makes_only_its_consultation_and_the_list_stale(page_cache, public_site, consultation):
    other = ConsultationFactory(title="Samråd om bibliotek", slug="bibliotek", sections=1)
    # The people and the organisation exist before the pages are cached, as they would.
    author, organisation = UserFactory(), OrganisationFactory()
    anonymous = _client()
    paths = ["/", "/moten/", "/organisationer/", "/samraden/bibliotek/", "/en/samraden/bibliotek/"]
    stale = ["/samraden/motesplatser/", "/en/samraden/motesplatser/", "/samraden/", "/en/samraden/"]
    for path in paths + stale:
        anonymous.get(path)
        assert anonymous.get(path)[HIT] == "hit", path
    before = _html(anonymous.get("/samraden/"))

    CommentFactory(
        consultation=consultation, author=author, organisation=organisation, text="Fler bänkar längs vägen."
    )

    for path in paths:  # untouched by a comment elsewhere: still served from the cache
        assert anonymous.get(path)[HIT] == "hit", path
    for path in stale:
        assert anonymous.get(path)[HIT] == "miss", path
    assert "Fler bänkar längs vägen." in _html(anonymous.get("/samraden/motesplatser/"))
    # The list's comment count changed with it (the list fragment is keyed to the same scope).
    after = _html(anonymous.get("/samraden/"))
    assert after != before
    assert re.search(r"Samråd om mötesplatser.*?1 kommentar\b", after, re.S)
    CommentFactory(consultation=other, author=author, organisation=organisation, text="Längre öppettider.")
    assert anonymous.get("/samraden/motesplatser/")[HIT] == "hit"
    assert anonymous.get("/samraden/bibliotek/")[HIT] == "miss"


def test_a_change_to_the_consultation_itself_makes_every_page_stale(page_cache, public_site, consultation):
    anonymous = _client()
    for path in ("/", "/moten/", "/samraden/motesplatser/"):
        anonymous.get(path)
    consultation.title = "Samråd om mötesplatser i ytterstaden"
    consultation.save()
    for path in ("/", "/moten/", "/samraden/motesplatser/"):
        assert anonymous.get(path)[HIT] == "miss", path
    assert "Samråd om mötesplatser i ytterstaden" in _html(anonymous.get("/samraden/motesplatser/"))


def test_a_deleted_comment_leaves_the_cached_page_at_once(page_cache, public_site, consultation):
    comment = CommentFactory(consultation=consultation, text="Ett inlägg som tas bort.")
    anonymous = _client()
    anonymous.get("/samraden/motesplatser/")
    assert "Ett inlägg som tas bort." in _html(anonymous.get("/samraden/motesplatser/"))
    comment.delete()
    assert "Ett inlägg som tas bort." not in _html(anonymous.get("/samraden/motesplatser/"))
