"""The "Delete my account" page: explanation, password and checkbox, refusal for the last admin."""

import pytest

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/konto/mina-uppgifter/radera-konto/"


def test_page_explains_and_asks_for_password_and_confirmation(client):
    client.force_login(UserFactory())
    html = client.get(URL).content.decode()
    assert "<h1>Radera ditt konto</h1>" in html
    assert "Samrådssvar som din organisation har lämnat finns kvar oförändrade" in html
    assert 'name="password"' in html and 'name="confirm"' in html
    html = client.get("/en" + URL).content.decode()
    assert "<h1>Delete your account</h1>" in html


def test_wrong_password_or_missing_checkbox_deletes_nothing(client):
    user = UserFactory()
    client.force_login(user)
    html = client.post(URL, {"password": "wrong", "confirm": "on"}).content.decode()
    assert "Lösenordet stämmer inte." in html
    html = client.post(URL, {"password": "correct-horse-battery"}).content.decode()
    assert "Kryssa i rutan för att bekräfta att du vill radera ditt konto." in html
    user.refresh_from_db()
    assert user.is_active and user.deleted_at is None


def test_deleting_erases_and_logs_out(client):
    user = UserFactory(display_name="Greta Gone")
    client.force_login(user)
    response = client.post(URL, {"password": "correct-horse-battery", "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == URL + "klart/"
    page = client.get(response["Location"])
    assert "Ditt konto är raderat" in page.content.decode()
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.deleted_at is not None and user.display_name == "" and not user.is_active
    assert not client.login(email=f"deleted-{user.pk}@invalid", password="correct-horse-battery")


def test_last_admin_sees_why_and_where_to_hand_over(client):
    org = OrganisationFactory(name="Ensamföreningen")
    admin = MembershipFactory(organisation=org, role="admin").user
    client.force_login(admin)
    html = client.get(URL).content.decode()
    assert "Du är den enda administratören för Ensamföreningen" in html
    assert f'href="/organisationer/{org.slug}/installningar/"' in html
    assert 'name="password"' not in html
    client.post(URL, {"password": "correct-horse-battery", "confirm": "on"})
    admin.refresh_from_db()
    assert admin.is_active


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_account_menu_links_to_my_data(client):
    client.force_login(UserFactory())
    html = client.get("/konto/mina-uppgifter/").content.decode()
    assert '<a href="/konto/mina-uppgifter/">Mina uppgifter</a>' in html


def test_guessing_the_password_is_cut_off_after_ten_tries_a_minute(client, settings):
    from django.core.cache import cache

    cache.clear()
    user = UserFactory()
    client.force_login(user)
    for _ in range(10):
        response = client.post(URL, {"password": "guess", "confirm": "on"})
        assert response.status_code == 200
        assert "Lösenordet stämmer inte." in response.content.decode()
    # The eleventh try is refused before the password is checked, even the right one.
    response = client.post(URL, {"password": "correct-horse-battery", "confirm": "on"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "För många försök. Vänta en minut och försök igen." in html
    assert "Lösenordet stämmer inte." not in html
    user.refresh_from_db()
    assert user.is_active and user.deleted_at is None
    # Another person is not affected.
    other = UserFactory()
    client.force_login(other)
    assert client.post(URL, {"password": "correct-horse-battery", "confirm": "on"}).status_code == 302
