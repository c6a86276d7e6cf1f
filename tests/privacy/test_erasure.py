"""Deleting an account: personal data gone from every table, records kept, the last admin refused."""

import pytest
from django.apps import apps
from django.db import connection, models

from privacy import services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.privacy.helpers import EMAIL, NAME, person_with_data_everywhere

pytestmark = pytest.mark.django_db

TEXT_TYPES = (models.CharField, models.TextField, models.JSONField)


def _columns_containing(needle: str) -> list[str]:
    """Every text, char and JSON column of every model table (through raw SQL) that holds `needle`."""
    found = []
    seen_tables = set()
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in seen_tables or model._meta.proxy or not model._meta.managed:
                continue
            seen_tables.add(table)
            for field in model._meta.local_concrete_fields:
                if not isinstance(field, TEXT_TYPES):
                    continue
                column = connection.ops.quote_name(field.column)
                cast = "::text" if connection.vendor == "postgresql" else ""
                cursor.execute(
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} WHERE {column}{cast} ILIKE %s",
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{field.column}")
    return found


def test_erasure_leaves_neither_name_nor_address_in_any_column(django_capture_on_commit_callbacks, client):
    if connection.vendor != "postgresql":
        from tests.conftest import require_service

        require_service("DATABASE_URL (PostgreSQL)", None)  # skips locally, fails in CI
    world = person_with_data_everywhere()
    client.force_login(world.user)
    surname = NAME.split(" ", 1)[1]
    # The scan finds the person before the erasure (so it would notice if anything were left).
    before = _columns_containing(surname)
    assert "portal_user.display_name" in before
    assert "portal_auditentry.object_repr" in before
    assert "consultations_responseversion.submitted_by_name" in before
    assert {
        "account_emailaddress.email",
        "notifications_delivery.last_error",
        "notifications_suppression.email",
    } <= set(_columns_containing(EMAIL))

    version_text, version_hash = world.version.text, world.version.sha256
    with django_capture_on_commit_callbacks(execute=True):
        services.account_erase(user=world.user)

    for needle in (NAME, surname, EMAIL, EMAIL.split("@")[0]):
        assert _columns_containing(needle) == [], needle

    user = type(world.user).objects.get(pk=world.user.pk)
    assert user.deleted_at is not None and not user.is_active
    assert user.email == f"deleted-{user.pk}@invalid"
    assert not user.has_usable_password()
    # Logged out everywhere: the session row itself is gone.
    from django.contrib.sessions.models import Session

    assert [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)] == []
    assert client.get("/konto/mina-uppgifter/").status_code == 302

    # Records stay: the submitted response unchanged, the comments signed "Deleted user, Organisation".
    world.version.refresh_from_db()
    assert (world.version.text, world.version.sha256) == (version_text, version_hash)
    assert world.version.submitted_by_name == "Raderad användare"
    world.comment.refresh_from_db()
    assert world.comment.text == "Barnperspektivet saknas." and world.comment.author_id == user.pk
    from organisations.attribution import attribution

    assert (
        attribution(world.comment.author, world.comment.organisation) == "Raderad användare, Föreningen Alfa"
    )


def test_deleted_comment_author_shows_as_deleted_user_on_the_consultation_page(client):
    world = person_with_data_everywhere()
    services.account_erase(user=world.user)
    html = client.get(world.consultation.get_absolute_url()).content.decode()
    assert "Raderad användare, Föreningen Alfa" in html
    assert NAME not in html
    html = client.get("/en" + world.consultation.get_absolute_url()).content.decode()
    assert "Deleted user, Föreningen Alfa" in html


def test_erasing_twice_changes_nothing_more():
    world = person_with_data_everywhere()
    services.account_erase(user=world.user)
    first = type(world.user).objects.values().get(pk=world.user.pk)
    services.account_erase(user=world.user)
    assert type(world.user).objects.values().get(pk=world.user.pk) == first


def test_last_admin_is_refused_with_a_link_to_hand_over():
    org = OrganisationFactory(name="Ensamföreningen")
    admin = MembershipFactory(organisation=org, role="admin").user
    MembershipFactory(organisation=org, role="member")
    blockers = services.deletion_blockers(admin)
    assert len(blockers) == 1
    assert "Ensamföreningen" in blockers[0].message
    assert blockers[0].url == f"/organisationer/{org.slug}/installningar/"
    with pytest.raises(services.ErasureBlocked):
        services.account_erase(user=admin)
    admin.refresh_from_db()
    assert admin.is_active and admin.deleted_at is None


def test_an_admin_beside_another_admin_may_go():
    org = OrganisationFactory()
    admin = MembershipFactory(organisation=org, role="admin").user
    MembershipFactory(organisation=org, role="admin")
    assert services.deletion_blockers(admin) == []
    services.account_erase(user=admin)
    assert not org.memberships.filter(user=admin, ended__isnull=True).exists()


def test_submitted_responses_and_approved_minutes_survive_erasure_and_retention(
    django_capture_on_commit_callbacks,
):
    import datetime as dt

    from django.utils import timezone

    from consultations.models import ResponseVersion
    from meetings.models import Minutes

    world = person_with_data_everywhere()
    Minutes.objects.filter(pk=world.minutes.pk).update(
        state="approved", approved_at=timezone.now(), approved_by=world.coordinator, sha256="a" * 64
    )
    versions = ResponseVersion.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.account_erase(user=world.user)
    far = timezone.now() + dt.timedelta(days=5 * 365)
    services.apply_retention(now=far)
    services.apply_retention(now=far + dt.timedelta(days=60))
    assert ResponseVersion.objects.count() == versions
    assert Minutes.objects.filter(pk=world.minutes.pk, state="approved").exists()
    assert world.version.files.count() == 1


def test_unrelated_people_keep_their_data():
    world = person_with_data_everywhere()
    other = UserFactory(display_name="Olle Orörd", email="olle@example.org")
    services.account_erase(user=world.user)
    other.refresh_from_db()
    assert other.display_name == "Olle Orörd" and other.email == "olle@example.org"
    world.colleague.refresh_from_db()
    assert world.colleague.is_active


def test_the_only_site_administrator_is_refused():
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert [b.message for b in services.deletion_blockers(admin)] == [
        "Du är webbplatsens enda administratör. Gör någon annan till webbplatsadministratör först."
    ]
    UserFactory(is_superuser=True, is_staff=True)
    assert services.deletion_blockers(admin) == []
