import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, coordinator


@pytest.fixture(autouse=True)
def _default_language():
    """Requests activate their language in the test thread and leave it active; start each test in
    the default language so that `reverse()` in test code gives Swedish URLs."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Unga mot rasism", slug="unga-mot-rasism")


@pytest.fixture
def org_admin(organisation):
    user = UserFactory(email="admin@example.org", display_name="Alva Admin")
    MembershipFactory(user=user, organisation=organisation, role="admin", is_primary_contact=True)
    return user


@pytest.fixture
def member(organisation):
    user = UserFactory(email="member@example.org", display_name="Mats Medlem")
    MembershipFactory(user=user, organisation=organisation, role="member")
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org", display_name="Olle Utanför")


@pytest.fixture
def other_admin(db):
    other = OrganisationFactory(name="Stiftelsen Annan", slug="stiftelsen-annan", kind="stiftelse")
    user = UserFactory(email="other-admin@example.org", display_name="Ada Annan")
    MembershipFactory(user=user, organisation=other, role="admin", is_primary_contact=True)
    return user


@pytest.fixture
def coordinator_user(db):
    return coordinator("samordnare@example.org", display_name="Sara Samordnare", preferred_language="sv")
