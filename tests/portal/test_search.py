"""Issue 19, defect 3: site search covers consultations (title, summary, sections), meetings, published
minutes, the organisation directory and the site's pages, grouped by kind, in both languages, and shows
each reader only what they may see."""

import re

import pytest
from django.utils import translation

from portal import search as site_search
from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    MeetingFactory,
    MeetingInvitationFactory,
    MembershipFactory,
    MinutesFactory,
    OrganisationFactory,
    SectionFactory,
    coordinator,
)
from tests.meetings.helpers import published_minutes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


def _groups(body):
    """{group heading: [result titles]} as the page shows them."""
    groups = {}
    for section in re.findall(r'<section aria-labelledby="group-[a-z]+"(.*?)</section>', body, re.S):
        heading = re.search(r"<h2[^>]*>(.*?)<", section, re.S).group(1).strip()
        groups[heading] = [
            t.strip() for t in re.findall(r'<h3 class="card__title"><a href="[^"]*">(.*?)</a>', section)
        ]
    return groups


def test_an_open_consultation_is_found_by_title_summary_and_section(client):
    c = ConsultationFactory(
        title="Kunskapslyft om rasism", summary="Utbildning för stadens anställda.", sections=0
    )
    SectionFactory(
        consultation=c, heading="Genomförande", body="<p>Workshoppar med antiziganism i fokus.</p>"
    )
    for query in ("kunskapslyft", "utbildning", "antiziganism"):
        groups = _groups(client.get("/search/", {"q": query}).content.decode())
        assert groups.get("Samråd") == ["Kunskapslyft om rasism"], query
    groups = _groups(client.get("/en/search/", {"q": "kunskapslyft"}).content.decode())
    assert groups.get("Consultations") == ["Kunskapslyft om rasism"]


def test_draft_consultations_only_for_coordinators(client):
    ConsultationFactory(title="Utkast om barnrätt", published_at=None, sections=0)
    member = MembershipFactory().user
    for user in (None, member):
        if user:
            client.force_login(user)
        assert "Utkast om barnrätt" not in client.get("/search/", {"q": "barnrätt"}).content.decode()
    client.force_login(coordinator())
    assert _groups(client.get("/search/", {"q": "barnrätt"}).content.decode())["Samråd"] == [
        "Utkast om barnrätt"
    ]


def test_meetings_and_organisations_are_found_and_members_only_meetings_stay_hidden(client):
    OrganisationFactory(name="Barnens röst", description="Vi arbetar med barn och unga.")
    OrganisationFactory(name="Barn utan lista", listed_publicly=False, listing_consent_at=None)
    OrganisationFactory(name="Barn som väntar", status="pending")
    MeetingFactory(title="Öppet möte om barn", is_public=True)
    invited = OrganisationFactory(name="Inbjudna föreningen")
    hidden = MeetingFactory(title="Internt möte om barn", invite_all_approved=False)
    MeetingInvitationFactory(meeting=hidden, organisation=invited)

    groups = _groups(client.get("/search/", {"q": "barn"}).content.decode())
    assert groups["Möten"] == ["Öppet möte om barn"]
    assert groups["Organisationer"] == ["Barnens röst"]

    client.force_login(MembershipFactory(organisation=invited).user)
    groups = _groups(client.get("/search/", {"q": "barn"}).content.decode())
    assert sorted(groups["Möten"]) == ["Internt möte om barn", "Öppet möte om barn"]
    assert groups["Organisationer"] == ["Barnens röst"]


def test_an_organisation_is_found_by_its_focus_area(client):
    from organisations.models import FocusArea

    organisation = OrganisationFactory(name="Ungdomsföreningen Bron", description="Läxhjälp i Järva.")
    area, _created = FocusArea.objects.get_or_create(
        slug="barn-och-unga", defaults={"name_sv": "Barn och unga", "name_en": "Children and young people"}
    )
    organisation.focus_areas.set([area])
    groups = _groups(client.get("/search/", {"q": "barn"}).content.decode())
    assert groups["Organisationer"] == ["Ungdomsföreningen Bron"]
    groups = _groups(client.get("/en/search/", {"q": "children"}).content.decode())
    assert groups["Organisations"] == ["Ungdomsföreningen Bron"]


def test_published_minutes_by_audience(client):
    coord = coordinator()
    invited = OrganisationFactory()
    public = MeetingFactory(title="Möte om kartläggning", invite_all_approved=False)
    members = MeetingFactory(title="Arbetsmöte om kartläggning", invite_all_approved=False)
    draft = MeetingFactory(title="Utkastmöte om kartläggning", invite_all_approved=False, state="held")
    for meeting in (public, members, draft):
        MeetingInvitationFactory(meeting=meeting, organisation=invited)
        AgendaItemFactory(meeting=meeting)
    published_minutes(coord, public, org=invited, audience="public")
    published_minutes(coord, members, org=invited, audience="members")
    MinutesFactory(meeting=draft, introduction="Kartläggning i utkast.")

    groups = _groups(client.get("/search/", {"q": "kartläggning"}).content.decode())
    assert groups["Protokoll"] == ["Protokoll: Möte om kartläggning"]

    client.force_login(MembershipFactory(organisation=invited).user)
    groups = _groups(client.get("/search/", {"q": "kartläggning"}).content.decode())
    assert sorted(groups["Protokoll"]) == [
        "Protokoll: Arbetsmöte om kartläggning",
        "Protokoll: Möte om kartläggning",
    ]

    client.force_login(MembershipFactory().user)  # a member of an organisation that was not invited
    groups = _groups(client.get("/search/", {"q": "kartläggning"}).content.decode())
    assert groups["Protokoll"] == ["Protokoll: Möte om kartläggning"]


def test_one_kind_is_paginated(client):
    for n in range(13):
        OrganisationFactory(name=f"Nätverket Solros {n}")
    body = client.get("/search/", {"q": "solros"}).content.decode()
    assert len(_groups(body)["Organisationer"]) == site_search.GROUP_SIZE
    assert "Visa alla 13 träffar bland Organisationer" in body
    first = client.get("/search/", {"q": "solros", "kind": "organisations"}).content.decode()
    second = client.get("/search/", {"q": "solros", "kind": "organisations", "page": 2}).content.decode()
    names = _groups(first)["Organisationer"] + _groups(second)["Organisationer"]
    assert len(names) == 13 and len(set(names)) == 13
    assert "kind=organisations&amp;page=2" in first


def test_registry_takes_a_new_kind_with_its_own_permission_filter(client):
    from organisations.models import Organisation

    site_search.register(
        site_search.SearchKind(
            key="testkind",
            label="Testsorten",
            model=Organisation,
            visible=lambda user: Organisation.objects.filter(name__startswith="Synlig"),
            order=1,
        )
    )
    try:
        OrganisationFactory(name="Synlig lavendel")
        OrganisationFactory(name="Dold lavendel")
        groups = _groups(client.get("/search/", {"q": "lavendel"}).content.decode())
        assert groups["Testsorten"] == ["Synlig lavendel"]
        assert list(groups)[0] == "Testsorten"
    finally:
        site_search._KINDS.pop("testkind")
