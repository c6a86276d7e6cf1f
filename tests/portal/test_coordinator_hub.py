import pytest

from tests.factories import MembershipFactory, coordinator

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/samordning/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_member_is_refused(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    assert client.get("/samordning/").status_code == 403


def test_coordinator_without_two_factor_must_set_it_up(client):
    client.force_login(coordinator("ny@example.org", totp=False))
    response = client.get("/samordning/")
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]


def test_coordinator_sees_every_coordinator_screen(client):
    client.force_login(coordinator())
    html = client.get("/samordning/").content.decode()
    # Consultations and meetings are run from the workspace in the admin.
    for path in (
        "/organisationer/samordning/",
        "/admin/workspace/consultations/",
        "/admin/meetings_admin/new/",
    ):
        assert f'href="{path}' in html
    assert "Samordning" in html
