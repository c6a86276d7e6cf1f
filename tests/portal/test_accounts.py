import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db
User = get_user_model()


def _link(body: str) -> str:
    return re.search(r"https?://[^\s]+", body).group(0)


def test_signup_verify_login_logout(client, mailoutbox):
    response = client.post(
        "/accounts/signup/",
        {
            "display_name": "Amina Yusuf",
            "email": "Amina@Example.org",
            "password1": "ett-langt-losenord-42",
            "password2": "ett-langt-losenord-42",
            "accept_privacy": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email__iexact="amina@example.org")
    assert user.display_name == "Amina Yusuf"
    assert user.preferred_language == "sv"
    assert not EmailAddress.objects.get(user=user).verified

    # Mandatory verification: logging in before confirming sends the user to the "verify" page.
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "amina@example.org", "password": "ett-langt-losenord-42"}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"] or "verify" in response["Location"]
    assert "_auth_user_id" not in client.session

    assert len(mailoutbox) >= 1
    message = mailoutbox[-1]
    assert message.to == ["amina@example.org"]
    link = _link(message.body)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    assert "Bekräfta" in page.content.decode()
    client.post("/" + path)
    assert EmailAddress.objects.get(user=user).verified

    response = client.post(
        "/accounts/login/", {"login": "amina@example.org", "password": "ett-langt-losenord-42"}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk

    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_signup_in_english_stores_english_preference(client):
    client.post(
        "/en/accounts/signup/",
        {
            "display_name": "Sam Lee",
            "email": "sam@example.org",
            "password1": "a-long-enough-password-9",
            "password2": "a-long-enough-password-9",
            "accept_privacy": "on",
        },
    )
    assert User.objects.get(email="sam@example.org").preferred_language == "en"


def test_signup_errors_are_in_swedish_and_nothing_is_stored(client):
    response = client.post(
        "/accounts/signup/",
        {"display_name": "", "email": "inte-en-adress", "password1": "kort", "password2": "annat"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Det här fältet är obligatoriskt" in html
    assert "Fyll i en giltig e-postadress." in html
    assert 'aria-invalid="true"' in html
    assert not User.objects.exists()


def test_signup_errors_in_english(client):
    response = client.post(
        "/en/accounts/signup/", {"display_name": "", "email": "x", "password1": "a", "password2": "b"}
    )
    html = response.content.decode()
    assert "This field is required." in html
    assert "Enter a valid email address." in html
    assert not User.objects.exists()


def test_duplicate_email_creates_no_second_account(client, django_user_model, mailoutbox):
    """allauth prevents account enumeration: the form looks successful, the owner of the address is
    told by e-mail, and no second account is created."""
    django_user_model.objects.create_user(email="taken@example.org", password="x-long-password-1")
    client.post(
        "/accounts/signup/",
        {
            "display_name": "Någon",
            "email": "taken@example.org",
            "password1": "ett-langt-losenord-42",
            "password2": "ett-langt-losenord-42",
            "accept_privacy": "on",
        },
    )
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert [m.to for m in mailoutbox] == [["taken@example.org"]]


def test_login_is_rate_limited(client, django_user_model):
    """Repeated wrong passwords slow the account down on an unknown device (a cooling period, not a lock:
    tests/security/test_rate_limits.py shows the owner's own device and network are not held up)."""
    django_user_model.objects.create_user(email="u@example.org", password="right-password-123")
    pages = [
        client.post("/accounts/login/", {"login": "u@example.org", "password": f"wrong-{i}"}).content.decode()
        for i in range(6)
    ]
    cooling = "Många inloggningsförsök till det här kontot har misslyckats"
    assert cooling not in pages[0]
    assert cooling in pages[-1]
    # From this unknown device, even the right password waits for the cooling period to pass.
    response = client.post("/accounts/login/", {"login": "u@example.org", "password": "right-password-123"})
    assert "_auth_user_id" not in client.session
    assert cooling in response.content.decode()


def test_password_reset_sends_a_link(client, django_user_model, mailoutbox):
    user = django_user_model.objects.create_user(email="r@example.org", password="old-password-123")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": "r@example.org"})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_login_page_uses_the_portal_layout_in_both_languages(client):
    sv = client.get("/accounts/login/").content.decode()
    assert '<html lang="sv">' in sv
    assert 'id="main"' in sv
    assert "Hoppa till innehållet" in sv
    # allauth's own Swedish invites you to "log in" on the log-in page; our catalogue corrects it.
    assert "Har du inget konto än?" in sv
    assert "Har du redan ett konto" not in sv
    en = client.get("/en/accounts/login/").content.decode()
    assert '<html lang="en">' in en
    assert "Skip to content" in en


@pytest.mark.django_db
def test_reauthentication_by_emailed_code_is_switched_off(client, mailoutbox):
    """Re-authentication is by password (or authenticator): the code-by-e-mail pages refuse, send nothing,
    and the password page offers no such alternative."""
    from django.urls import reverse

    from tests.factories import UserFactory

    user = UserFactory(email="reauth@example.org")
    client.force_login(user)
    page = client.get(reverse("account_reauthenticate"))
    assert page.status_code == 200
    assert reverse("account_request_reauthentication_code") not in page.content.decode()
    answer = client.post(reverse("account_request_reauthentication_code"), {"email": user.email})
    assert answer.status_code == 403
    assert mailoutbox == []
