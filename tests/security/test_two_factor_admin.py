"""Everyone who can publish has two-factor: an Editor (or anyone whose groups grant Wagtail's
`access_admin`) without an activated authenticator cannot open the admin, and is sent to set one up."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory, add_totp

pytestmark = pytest.mark.django_db


def _editor(email="redaktor@example.org"):
    user = UserFactory(email=email)
    user.groups.add(Group.objects.get(name="Editors"))  # created by Wagtail's migrations
    return user


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/documents/", "/admin/images/"])
def test_an_editor_without_two_factor_is_sent_to_set_it_up(path):
    client = _client(_editor())
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(response["Location"], follow=True)
    assert "Redigeringssidorna kräver tvåstegsverifiering" in page.content.decode()


def test_a_custom_group_with_admin_access_is_held_to_the_same_rule():
    group = Group.objects.create(name="Kommunikatörer")
    group.permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    user = UserFactory(email="kommunikator@example.org")
    user.groups.add(group)
    response = _client(user).get("/admin/")
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_editor_with_two_factor_enters_the_admin():
    editor = _editor()
    add_totp(editor)
    assert _client(editor).get("/admin/").status_code == 200


def test_a_member_without_admin_access_is_not_asked_for_two_factor():
    response = _client(UserFactory(email="medlem@example.org")).get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] != reverse("mfa_activate_totp")
