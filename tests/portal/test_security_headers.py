"""Security headers on every response, the framing rule for Wagtail's preview, and sessions that end
when the password changes. (The per-account log-in rate limit is tested in test_accounts.py.)"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from portal.models import ContentPage
from tests.factories import UserFactory, add_page, add_totp, coordinator, site_home

pytestmark = pytest.mark.django_db

PASSWORD = "ett-langt-losenord-42"
NEW_PASSWORD = "ett-nytt-langt-losenord-7"


def _directives(response, header="Content-Security-Policy"):
    """The policy as {directive: [values]}."""
    policy = {}
    for part in response[header].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


@pytest.fixture
def home(db):
    return site_home()


# --- Headers on the public site -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/en/", "/accounts/login/", "/samraden/", "/organisationer/"])
def test_public_pages_send_a_strict_policy_and_the_other_headers(client, home, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = _directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert permissions[feature] == "()"


def test_public_templates_carry_no_inline_script_style_or_handler(client, home):
    """The rendered base layout keeps to the policy: scripts only from files, no style or on* attributes."""
    body = client.get("/").content.decode()
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts, "the layout loads portal.js"
    assert all("src=" in tag or "application/json" in tag for tag in scripts), scripts
    assert not re.search(r"\sstyle=", body)
    assert not re.search(r"\son[a-z]+=", body)


# --- Wagtail's admin and preview ----------------------------------------------------------------


@pytest.fixture
def editor(client, home):
    """A coordinator with two-factor who may edit the site's pages (as a site admin grants it)."""
    user = coordinator("redaktor@example.org")
    group = Group.objects.get(name=settings.COORDINATORS_GROUP)
    for codename in ["add_page", "change_page", "publish_page"]:
        GroupPagePermission.objects.create(
            group=group, page=home, permission=Permission.objects.get(codename=codename)
        )
    client.force_login(user)
    return user


def test_admin_gets_its_own_policy_and_may_not_be_framed(client, editor):
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    csp = _directives(response)
    # Wagtail's widgets need inline script and style; nothing else is loosened.
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_page_preview_may_be_framed_by_the_admin_only(client, editor, home):
    page = add_page(home, ContentPage(title="Om oss", slug="om-oss", intro="Gammal ingress"))
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    data = nested_form_data(
        {
            "title": "Om oss",
            "slug": "om-oss",
            "intro": "Förhandsvisad ingress",
            "body": streamfield([("heading", {"text": "Förhandsvisad rubrik", "level": "h2"})]),
            "comments": inline_formset([]),
        }
    )
    posted = client.post(url, data)
    assert posted.json() == {"is_valid": True, "is_available": True}

    preview = client.get(url)
    assert preview.status_code == 200
    assert "Förhandsvisad rubrik" in preview.content.decode()
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert _directives(preview)["frame-ancestors"] == ["'self'"]

    # The published page itself is still not frameable.
    public = client.get(page.url)
    assert "Gammal ingress" in public.content.decode()
    assert public["X-Frame-Options"] == "DENY"
    assert _directives(public)["frame-ancestors"] == ["'none'"]


# --- Sessions -----------------------------------------------------------------------------------


@pytest.fixture
def member(db):
    user = UserFactory(email="amina@example.org", password=PASSWORD)
    return user


def _log_in(client_class, email=None, password=PASSWORD):
    client = client_class()
    response = client.post("/accounts/login/", {"login": email or "amina@example.org", "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    assert "_auth_user_id" in client.session
    return client


def _is_signed_in(client) -> bool:
    """Whether the account page opens (rather than sending the visitor to log in)."""
    response = client.get("/accounts/email/")
    return response.status_code == 200 and "amina@example.org" in response.content.decode()


def test_changing_the_password_signs_out_the_other_sessions(member):
    from django.test import Client

    laptop = _log_in(Client)
    phone = _log_in(Client)
    assert _is_signed_in(laptop) and _is_signed_in(phone)

    response = laptop.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302

    # The session that changed the password stays (ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is off) …
    assert _is_signed_in(laptop)
    # … every other session is over: the next request finds itself signed out.
    assert not _is_signed_in(phone)
    assert phone.get("/accounts/email/").url.startswith("/accounts/login/")
    # And the old password no longer opens a new one.
    stranger = Client()
    stranger.post("/accounts/login/", {"login": "amina@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in stranger.session


def test_resetting_the_password_signs_out_every_session(member, mailoutbox):
    from django.test import Client

    phone = _log_in(Client)
    assert _is_signed_in(phone)

    anonymous = Client()
    anonymous.post("/accounts/password/reset/", {"email": "amina@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body).group(1)
    form_page = anonymous.get(link, follow=True)
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = anonymous.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)

    assert not _is_signed_in(phone)


def test_login_is_rate_limited_per_address_across_accounts(client, django_user_model):
    """Guessing passwords for many accounts from one address (10 failures a minute) is stopped too,
    even when each account sees fewer failures than its own limit."""
    for i in range(12):
        user = django_user_model.objects.create_user(email=f"u{i}@example.org", password="right-password-123")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    pages = [
        client.post("/accounts/login/", {"login": f"u{i}@example.org", "password": "wrong"}).content.decode()
        for i in range(10)
    ]
    assert all("För många misslyckade inloggningsförsök" not in page for page in pages)
    refused = client.post("/accounts/login/", {"login": "u11@example.org", "password": "right-password-123"})
    assert "För många misslyckade inloggningsförsök" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_cookies_are_http_only_and_secure_in_production():
    from tests.portal.test_foundation import PRODUCTION_ENV, _manage

    code = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT, s.X_FRAME_OPTIONS, s.SILENCED_SYSTEM_CHECKS)"
    )
    result = _manage("shell", "-c", code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "DENY",
        "[]",
    ]


def test_login_sets_an_http_only_session_cookie(client, member):
    response = client.post("/accounts/login/", {"login": "amina@example.org", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_admin_requires_totp_for_coordinators(client, home):
    """Context for the preview test: without an authenticator the admin sends the coordinator away."""
    user = coordinator("ingen-totp@example.org", totp=False)
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    add_totp(user)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


# --- A refused form ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, heading, advice",
    [
        ("/accounts/login/", "Formuläret kunde inte skickas", "Gå tillbaka, ladda om sidan"),
        ("/en/accounts/login/", "The form could not be sent", "Go back, reload the page"),
    ],
)
def test_a_form_without_a_valid_csrf_token_gets_the_sites_own_page(home, path, heading, advice):
    from django.test import Client

    UserFactory(email="csrf@example.org")
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(path, {"login": "csrf@example.org", "password": PASSWORD})
    assert response.status_code == 403
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert advice in html
    assert 'class="site-header' in html or "<header" in html  # the site's layout, not Django's bare page
    assert "<style" not in html  # Django's own page has inline styles, which the policy blocks
    assert "style-src" in response["Content-Security-Policy"]
    assert "_auth_user_id" not in browser.session
