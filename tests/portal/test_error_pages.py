"""Issue 19, defect 4: every 400, 403, 404, 410, 429 and 500 page is the portal's own, in the reader's
language (the lang attribute too), with the site header and what to do next."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from portal import site_views
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADINGS = {
    400: {"sv": "Begäran kunde inte läsas", "en": "The request could not be understood"},
    403: {"sv": "Du har inte behörighet till sidan", "en": "You do not have access to this page"},
    404: {"sv": "Vi hittade inte sidan", "en": "We could not find the page"},
    410: {"sv": "Sidan har tagits bort", "en": "The page has been removed"},
    429: {"sv": "För många försök", "en": "Too many attempts"},
    500: {"sv": "Något gick fel", "en": "Something went wrong"},
}
HEADER = {"sv": "Stockholms stad", "en": "City of Stockholm"}
START = {"sv": "Gå till startsidan", "en": "Go to the start page"}
PREFIX = {"sv": "", "en": "/en"}


def assert_portal_page(response, status, language):
    assert response.status_code == status
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert 'class="site-header"' in body and HEADER[language] in body
    assert HEADINGS[status][language] in body
    assert START[language] in body
    assert "Forbidden" not in body


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.mark.parametrize("language", ["sv", "en"])
def test_403_for_a_pending_organisations_admin_inviting(client, language):
    org = OrganisationFactory(status="pending", slug="vantande-forening")
    admin = MembershipFactory(organisation=org, role="admin").user
    client.force_login(admin)
    response = client.get(f"{PREFIX[language]}/organisationer/vantande-forening/bjud-in/")
    assert_portal_page(response, 403, language)
    body = response.content.decode()
    assert {"sv": "väntar på stadens godkännande", "en": "waiting for the city's approval"}[language] in body


@pytest.mark.parametrize("language", ["sv", "en"])
def test_403_for_a_member_at_the_coordination_pages(client, language):
    client.force_login(MembershipFactory().user)
    assert_portal_page(client.get(f"{PREFIX[language]}/samraden/samordning/"), 403, language)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_404(client, language):
    assert_portal_page(client.get(f"{PREFIX[language]}/finns-inte-alls/"), 404, language)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_410_for_a_view_that_answers_gone_without_a_page(rf, language):
    from django.http import HttpResponseGone

    middleware = site_views.ErrorPageMiddleware(lambda request: HttpResponseGone())
    request = rf.get(f"{PREFIX[language]}/borttagen/")
    request.user = UserFactory()
    with translation.override(language):
        assert_portal_page(middleware(request), 410, language)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_400_for_a_form_with_too_many_fields(client, settings, language):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    data = {f"f{i}": "x" for i in range(20)}
    assert_portal_page(client.post(f"{PREFIX[language]}/accounts/login/", data), 400, language)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_429_from_allauths_rate_limit(client, settings, language):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/m/key,1/m/ip"}
    user = UserFactory(email=f"limit-{language}@example.org")
    url = f"{PREFIX[language]}/accounts/password/reset/"
    assert client.post(url, {"email": user.email}).status_code == 302
    assert_portal_page(client.post(url, {"email": user.email}), 429, language)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_csrf_failure(language):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{PREFIX[language]}/accounts/login/", {"login": "a@example.org"})
    assert response.status_code == 403
    body = response.content.decode()
    assert f'<html lang="{language}">' in body and HEADER[language] in body
    assert {"sv": "Formuläret kunde inte skickas", "en": "The form could not be sent"}[language] in body


@pytest.mark.parametrize("language", ["sv", "en"])
def test_500(language):
    request = RequestFactory().get(f"{PREFIX[language]}/")
    with translation.override(language):
        response = site_views.server_error(request)
    assert_portal_page(response, 500, language)


def test_an_empty_forbidden_response_gets_the_portal_page(rf):
    from django.http import HttpResponseForbidden

    middleware = site_views.ErrorPageMiddleware(lambda request: HttpResponseForbidden())
    request = rf.get("/")
    request.user = UserFactory()
    assert_portal_page(middleware(request), 403, "sv")
