"""Consent to the privacy terms: stored at sign-up with version and time, asked again when the version
changes, and the note beside free-text fields."""

import pytest
from django.contrib.auth import get_user_model

from portal.models import PrivacyConsent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
SIGNUP = {
    "display_name": "Amina Yusuf",
    "email": "amina@example.org",
    "password1": "ett-langt-losenord-42",
    "password2": "ett-langt-losenord-42",
}


def test_sign_up_requires_the_box_and_stores_version_and_time(client, settings):
    html = client.post("/accounts/signup/", SIGNUP).content.decode()
    assert "Du behöver godkänna integritetsvillkoren för att skapa ett konto." in html
    assert not User.objects.exists()
    response = client.post("/accounts/signup/", {**SIGNUP, "accept_privacy": "on"})
    assert response.status_code == 302
    consent = PrivacyConsent.objects.get(user__email="amina@example.org")
    assert consent.version == settings.PRIVACY_TERMS_VERSION
    assert consent.accepted_at is not None


def test_sign_up_form_shows_the_box_in_both_languages(client):
    assert (
        "Jag har läst integritetsvillkoren och godkänner dem."
        in client.get("/accounts/signup/").content.decode()
    )
    assert (
        "I have read the privacy terms and accept them."
        in client.get("/en/accounts/signup/").content.decode()
    )


def test_a_new_version_asks_again_and_accepting_lets_the_person_on(client, settings):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/organisationer/mina/").status_code == 200
    settings.PRIVACY_TERMS_VERSION = "2027-01-01"
    response = client.get("/organisationer/mina/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/mina-uppgifter/samtycke/?next=/organisationer/mina/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Vi har ändrat integritetsvillkoren" in html
    assert (
        client.post("/konto/mina-uppgifter/samtycke/", {"next": "/organisationer/mina/"}).status_code == 200
    )
    response = client.post(
        "/konto/mina-uppgifter/samtycke/", {"next": "/organisationer/mina/", "accept": "on"}
    )
    assert response.status_code == 302 and response["Location"] == "/organisationer/mina/"
    assert set(user.privacy_consents.values_list("version", flat=True)) == {"2026-11-01", "2027-01-01"}
    assert client.get("/organisationer/mina/").status_code == 200


def test_pages_that_stay_open_without_consent(client, settings):
    user = UserFactory(consent=False)
    client.force_login(user)
    assert client.get("/konto/mina-uppgifter/").status_code == 200
    assert client.get("/konto/mina-uppgifter/radera-konto/").status_code == 200
    assert client.get("/health/").status_code in (200, 503)
    assert client.post("/accounts/logout/").status_code == 302


def test_consent_page_refuses_a_foreign_next(client):
    user = UserFactory(consent=False)
    client.force_login(user)
    response = client.post(
        "/konto/mina-uppgifter/samtycke/", {"next": "https://evil.example/", "accept": "on"}
    )
    assert response["Location"] == "/"


def test_anonymous_visitors_are_not_asked(client):
    assert client.get("/organisationer/").status_code == 200


def test_free_text_forms_carry_the_sensitive_data_note(client):
    from tests.factories import ConsultationFactory, MembershipFactory

    member = MembershipFactory(role="admin").user
    client.force_login(member)
    consultation = ConsultationFactory(sections=1)
    note = "Skriv inte om namngivna tredje personer eller känsliga uppgifter om någon."
    assert note in client.get(consultation.get_absolute_url()).content.decode()
    assert note in client.get("/organisationer/registrera/").content.decode()
    english = client.get("/en" + consultation.get_absolute_url()).content.decode()
    assert "Do not write about named third parties or sensitive details about anyone." in english
