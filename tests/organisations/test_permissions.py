"""The permission matrix: every URL of the organisations app × every role, with the expected status.

The URL names are read from the app's resolver, so a new URL without a row here fails the test.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organisations.models import Invitation, JoinRequest, Membership
from tests.factories import JoinRequestFactory, OrganisationFactory, UserFactory, coordinator

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no_organisation", "member", "org_admin", "other_admin", "coordinator"]

LOGIN = "login"  # a redirect to the login page
# Expected status per role, in the order of ROLES.
PUBLIC = (200, 200, 200, 200, 200, 200)
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200)
COORDINATOR = (LOGIN, 403, 403, 403, 403, 200)
ADMIN = (LOGIN, 403, 403, 200, 403, 403)

MATRIX = {
    "directory": PUBLIC,
    "detail": PUBLIC,
    "register": SIGNED_IN,
    "mine": SIGNED_IN,
    "invitation": PUBLIC,
    "coordinator_queue": COORDINATOR,
    "coordinator_list": COORDINATOR,
    "coordinator_export": COORDINATOR,
    "approve": COORDINATOR,
    "reject": COORDINATOR,
    "suspend": COORDINATOR,
    "application": (LOGIN, 403, 200, 200, 403, 200),
    "settings": ADMIN,
    "invite": ADMIN,
    "invitation_revoke": ADMIN,
    "member_role": ADMIN,
    "member_remove": ADMIN,
    "join_request": ADMIN,
    "leave": (LOGIN, 403, 200, 200, 403, 403),
    "withdraw": (LOGIN, 403, 403, 200, 403, 403),
    "join": (LOGIN, 200, 403, 403, 200, 200),
}


def _url_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def test_every_url_is_in_the_matrix():
    names = set(_url_names(get_resolver("organisations.urls").url_patterns))
    assert names == set(MATRIX), f"missing: {names - set(MATRIX)}, stale: {set(MATRIX) - names}"


@pytest.fixture
def world(organisation, org_admin, member, other_admin, outsider, coordinator_user):
    pending = OrganisationFactory(name="Väntande förening", slug="vantande-forening", status="pending")
    invitation = Invitation.objects.create(
        organisation=organisation, email="invitee@example.org", invited_by=org_admin
    )
    join_request = JoinRequestFactory(organisation=organisation, user=UserFactory(email="asker@example.org"))
    member_membership = Membership.objects.get(user=member, organisation=organisation)
    users = {
        "anonymous": None,
        "no_organisation": outsider,
        "member": member,
        "org_admin": org_admin,
        "other_admin": other_admin,
        "coordinator": coordinator_user,
    }
    kwargs = {
        "detail": {"slug": organisation.slug},
        "invitation": {"token": invitation.get_token()},
        "coordinator_export": {"fmt": "csv"},
        "approve": {"slug": pending.slug},
        "reject": {"slug": pending.slug},
        "suspend": {"slug": organisation.slug},
        "application": {"slug": organisation.slug},
        "settings": {"slug": organisation.slug},
        "invite": {"slug": organisation.slug},
        "invitation_revoke": {"slug": organisation.slug, "pk": invitation.pk},
        "member_role": {"slug": organisation.slug, "pk": member_membership.pk},
        "member_remove": {"slug": organisation.slug, "pk": member_membership.pk},
        "join_request": {"slug": organisation.slug, "pk": join_request.pk},
        "leave": {"slug": organisation.slug},
        "withdraw": {"slug": organisation.slug},
        "join": {"slug": organisation.slug},
    }
    return users, kwargs


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(client, world, url_name):
    users, kwargs = world
    url = reverse(f"organisations:{url_name}", kwargs=kwargs.get(url_name))
    failures = []
    for role, expected in zip(ROLES, MATRIX[url_name], strict=True):
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        response = client.get(url)
        if expected == LOGIN:
            ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append(f"{role}: expected {expected}, got {response.status_code}")
    assert not failures, f"{url_name} ({url}): " + "; ".join(failures)


@pytest.mark.parametrize(
    "url_name", ["coordinator_queue", "coordinator_list", "coordinator_export", "approve", "application"]
)
def test_coordinator_without_two_factor_is_sent_to_set_it_up(client, url_name, organisation):
    user = coordinator("no-totp@example.org", totp=False)
    pending = OrganisationFactory(status="pending", slug="pending-org", name="Pending")
    kwargs = {
        "coordinator_export": {"fmt": "xlsx"},
        "approve": {"slug": pending.slug},
        "application": {"slug": pending.slug},
    }.get(url_name)
    client.force_login(user)
    response = client.get(reverse(f"organisations:{url_name}", kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("kind", ["coordinator", "staff", "superuser"])
def test_wagtail_admin_needs_two_factor(client, kind):
    from tests.factories import add_totp

    if kind == "coordinator":
        user = coordinator("c@example.org", totp=False)
    else:
        user = UserFactory(email=f"{kind}@example.org", is_staff=True, is_superuser=kind == "superuser")
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    follow = client.get(response["Location"], follow=True)
    assert "two-factor" in follow.content.decode() or "tvåstegs" in follow.content.decode()
    add_totp(user)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code != 302 or "/accounts/2fa/" not in response["Location"]


def test_ordinary_user_is_not_redirected_from_admin(client, outsider):
    client.force_login(outsider)
    response = client.get("/admin/")
    # Wagtail itself refuses (redirect to login / permission denied), not the two-factor page.
    assert "2fa" not in response.get("Location", "")


def test_hidden_organisation_is_404_for_outsiders(client, outsider, coordinator_user):
    pending = OrganisationFactory(status="pending", slug="hemlig", name="Hemlig")
    unlisted = OrganisationFactory(
        slug="olistad", name="Olistad", listed_publicly=False, listing_consent_at=None
    )
    for org in (pending, unlisted):
        assert client.get(reverse("organisations:detail", args=[org.slug])).status_code == 404
        client.force_login(outsider)
        assert client.get(reverse("organisations:detail", args=[org.slug])).status_code == 404
        assert client.get(reverse("organisations:application", args=[org.slug])).status_code == 404
        assert client.get(reverse("organisations:join", args=[org.slug])).status_code == 404
        client.force_login(coordinator_user)
        assert client.get(reverse("organisations:detail", args=[org.slug])).status_code == 200
        client.logout()


def test_join_request_of_other_organisation_is_404(client, org_admin, organisation):
    other = OrganisationFactory()
    jr = JoinRequestFactory(organisation=other)
    client.force_login(org_admin)
    url = reverse("organisations:join_request", kwargs={"slug": organisation.slug, "pk": jr.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "accept"}).status_code == 404
    assert JoinRequest.objects.get(pk=jr.pk).status == "pending"
