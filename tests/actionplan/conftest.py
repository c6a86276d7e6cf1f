import pytest
from django.utils import translation

from actionplan.models import ActionPlanPage, ActivityPage, CityBody, DevelopmentArea, DevelopmentAreaPage
from organisations.models import FocusArea
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    add_page,
    coordinator,
    site_home,
)


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def body(db):
    return CityBody.objects.create(
        slug="utbildningsnamnden", name_sv="Utbildningsnämnden", name_en="Education Committee"
    )


@pytest.fixture
def plan(db):
    home = site_home()
    return add_page(home, ActionPlanPage(title="Handlingsplanen mot rasism", slug="handlingsplanen"))


@pytest.fixture
def area_page(plan):
    area = DevelopmentArea.objects.get(code="children")
    return add_page(
        plan, DevelopmentAreaPage(title="Förebygga rasism mot barn och unga", slug="barn", area=area)
    )


@pytest.fixture
def activity(area_page, body):
    page = ActivityPage(
        title="Rasism i sociala medier",
        slug="sociala-medier",
        responsible_body=body,
        status="ongoing",
        period_start=2024,
        period_end=2027,
    )
    page.forms_of_racism.set([FocusArea.objects.get(slug="antisemitism")])
    return add_page(area_page, page)


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Föreningen Bron")


@pytest.fixture
def org_admin(org):
    return MembershipFactory(organisation=org, role="admin").user


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Andra föreningen")


@pytest.fixture
def other_member(other_org):
    return MembershipFactory(organisation=other_org, role="admin").user


@pytest.fixture
def coord(db):
    return coordinator()


@pytest.fixture
def visitor(db):
    return UserFactory()
