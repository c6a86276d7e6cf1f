import pytest

from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MeetingInvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    coordinator,
)


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Föreningen Mot Rasism")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Andra föreningen")


@pytest.fixture
def member(org):
    return MembershipFactory(organisation=org, role="member", user__display_name="Maja Medlem").user


@pytest.fixture
def org_admin(org):
    return MembershipFactory(organisation=org, role="admin", user__display_name="Adam Admin").user


@pytest.fixture
def other_admin(other_org):
    return MembershipFactory(organisation=other_org, role="admin", user__display_name="Olga Annan").user


@pytest.fixture
def no_org(db):
    return UserFactory(display_name="Nora Ingen")


@pytest.fixture
def coord(db):
    return coordinator(display_name="Cecilia Samordnare")


@pytest.fixture
def meeting(org):
    """A members-only meeting to which only `org` is invited, with two agenda items (one not public)."""
    meeting = MeetingFactory(invite_all_approved=False)
    MeetingInvitationFactory(meeting=meeting, organisation=org)
    AgendaItemFactory(meeting=meeting, title="Öppen punkt", sort_order=0)
    AgendaItemFactory(meeting=meeting, title="Intern punkt", is_public=False, sort_order=1)
    return meeting
