"""The OParl 1.1 API: walked from the System object by its links only, every answer validated against
the OParl 1.1.1 schemas, and nothing in it that a visitor could not see on the site."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import permissions as consultation_permissions
from consultations.models import Consultation
from meetings import permissions as meeting_permissions
from meetings.models import AgendaItem, Meeting
from organisations import permissions as organisation_permissions
from organisations.models import Organisation
from tests.factories import AgendaItemFactory, ConsultationFactory, MeetingFactory, OrganisationFactory

from .conftest import schema_dir
from .oparl_client import BASE, validate_object, walk

pytestmark = pytest.mark.django_db
VISITOR = AnonymousUser()


@pytest.fixture
def schemas():
    return schema_dir()


def test_walk_reaches_every_type_validates_and_shows_nothing_secret(client, world, schemas):
    answers, objects, bodies = walk(client, schemas)
    types = {obj["type"].rsplit("/", 1)[1] for obj in objects.values()}
    assert types >= {
        "System", "Body", "Organization", "Person", "Membership", "Meeting", "AgendaItem", "Paper",
        "Consultation", "File", "Location", "LegislativeTerm",
    }  # fmt: skip
    p = world.public
    for url in (
        f"{BASE}meeting/{p['planned'].pk}/",
        f"{BASE}meeting/{p['held'].pk}/",
        f"{BASE}agendaitem/{p['open_item'].pk}/",
        f"{BASE}agendaitem/{p['held_item'].pk}/",
        f"{BASE}paper/{p['concluded'].pk}/",
        f"{BASE}consultation/outcome-{p['concluded'].pk}/",
        f"{BASE}consultation/item-{p['held_item'].pk}/",
        f"{BASE}file/document-{p['open_doc'].pk}/",
        f"{BASE}file/minutes-{p['held'].pk}-pdf/",
        f"{BASE}file/minutes-{p['held'].pk}-html/",
        f"{BASE}organization/{p['org'].pk}/",
        f"{BASE}organization/reference-group/",
        f"{BASE}person/{p['coord'].pk}/",
    ):
        assert url in objects, url
    everything = "\n".join(bodies)
    s = world.secret
    for url in (
        f"{BASE}agendaitem/{s['closed_item'].pk}/",
        f"{BASE}agendaitem/{s['held_secret_item'].pk}/",
        f"{BASE}agendaitem/{s['private_item'].pk}/",
        f"{BASE}meeting/{s['private'].pk}/",
        f"{BASE}file/document-{s['closed_doc'].pk}/",
        f"{BASE}file/minutes-{s['private'].pk}-pdf/",
        f"{BASE}paper/{s['draft'].pk}/",
        f"{BASE}organization/{s['hidden_org'].pk}/",
        f"{BASE}organization/{s['pending_org'].pk}/",
        f"{BASE}person/{s['member'].pk}/",
    ):
        assert url not in everything, url
    for text in world.secret_texts:
        assert text not in everything, text
    # The public item that points at a draft consultation does not link it.
    draft_item = objects[f"{BASE}agendaitem/{p['draft_item'].pk}/"]
    assert "consultation" not in draft_item
    # Decisions of public minutes are there; the meeting embeds only its public items.
    held_item = objects[f"{BASE}agendaitem/{p['held_item'].pk}/"]
    assert held_item["resolutionText"] == "Beslut om Punkt om samrådet" and held_item["result"] == "bifallet"
    planned = objects[f"{BASE}meeting/{p['planned'].pk}/"]
    assert [i["name"] for i in planned["agendaItem"]] == ["Öppen punkt", "Punkt om utkast"]
    paper = objects[f"{BASE}paper/{p['concluded'].pk}/"]
    roles = [c.get("authoritative") for c in paper["consultation"]]
    assert roles.count(True) == 1 and paper["reference"] == "KS 2026/17"
    assert paper["mainFile"]["mimeType"] == "text/html"


def test_members_only_objects_answer_exactly_like_missing_ones(client, world):
    missing = client.get(f"{BASE}agendaitem/987654/")
    assert missing.status_code == 404
    assert json.loads(missing.content)["type"] == "https://schema.oparl.org/1.1/Error"
    s = world.secret
    for url in (
        f"{BASE}agendaitem/{s['closed_item'].pk}/",
        f"{BASE}meeting/{s['private'].pk}/",
        f"{BASE}paper/{s['draft'].pk}/",
        f"{BASE}organization/{s['hidden_org'].pk}/",
        f"{BASE}person/{s['member'].pk}/",
        f"{BASE}file/document-{s['closed_doc'].pk}/",
        f"{BASE}file/minutes-{s['private'].pk}-html/content/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        if url.endswith("/content/"):
            continue
        assert response.content == missing.content, url


def test_the_api_holds_what_the_apps_permissions_allow_a_visitor(client, world, settings):
    """Row by row against the apps' own predicates, so a rule changed there cannot drift from the API."""
    settings.OPARL_MAX_PAGE_SIZE = 500

    def ids(path):
        data = json.loads(client.get(f"{BASE}{path}/?limit=500").content)["data"]
        return {o["id"] for o in data}

    meetings = ids("meetings")
    for m in Meeting.objects.all():
        assert (f"{BASE}meeting/{m.pk}/" in meetings) == meeting_permissions.can_view_meeting(VISITOR, m), m
    items = ids("agendaitems")
    for item in AgendaItem.objects.select_related("meeting"):
        visible = item.is_public and meeting_permissions.can_view_meeting(VISITOR, item.meeting)
        assert (f"{BASE}agendaitem/{item.pk}/" in items) == visible, item
    papers = ids("papers")
    for c in Consultation.objects.all():
        assert (f"{BASE}paper/{c.pk}/" in papers) == consultation_permissions.can_view(VISITOR, c), c
    organisations = ids("organizations")
    for org in Organisation.objects.all():
        expected = organisation_permissions.can_view_profile(VISITOR, org)
        assert (f"{BASE}organization/{org.pk}/" in organisations) == expected, org


def test_pagination_follows_next_to_the_last_page_and_caps_the_page_size(client, world, settings):
    settings.OPARL_MAX_PAGE_SIZE = 2
    OrganisationFactory.create_batch(4)
    url, seen, pages = f"{BASE}organizations/?limit=1", [], 0
    first = json.loads(client.get(url).content)
    assert first["pagination"]["elementsPerPage"] == 1
    while url:
        page = json.loads(client.get(url).content)
        pages += 1
        seen += [o["id"] for o in page["data"]]
        url = page["links"].get("next")
    assert pages == first["pagination"]["totalPages"] == first["pagination"]["totalElements"] == 6
    assert len(set(seen)) == 6
    capped = json.loads(client.get(f"{BASE}organizations/?limit=1000").content)
    assert capped["pagination"]["elementsPerPage"] == 2 and len(capped["data"]) == 2


def test_filters_keep_in_links_and_malformed_dates_get_an_oparl_error(client, world):
    future = (timezone.now() + timedelta(days=1)).isoformat()
    response = client.get(f"{BASE}meetings/", {"created_since": future})
    assert json.loads(response.content)["data"] == []
    past = (timezone.now() - timedelta(days=1)).isoformat()
    page = json.loads(client.get(f"{BASE}meetings/", {"modified_since": past, "limit": 1}).content)
    assert page["pagination"]["totalElements"] == 2
    assert "modified_since=" in page["links"]["next"]
    bad = client.get(f"{BASE}meetings/", {"modified_until": "igår"})
    assert bad.status_code == 400 and bad["Access-Control-Allow-Origin"] == "*"
    error = json.loads(bad.content)
    assert error["type"] == "https://schema.oparl.org/1.1/Error" and "modified_until" in error["message"]


def test_deleted_objects_stay_with_deleted_true(client, world, schemas):
    planned_pk = world.public["planned"].pk
    private_pk = world.secret["private"].pk
    item_pk = world.public["open_item"].pk
    since = timezone.now() - timedelta(minutes=1)
    world.public["planned"].delete()
    world.secret["private"].delete()
    for url in (
        f"{BASE}meeting/{planned_pk}/",
        f"{BASE}agendaitem/{item_pk}/",
        f"{BASE}location/meeting-{planned_pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        obj = json.loads(response.content)
        assert obj["deleted"] is True and obj["id"] == url and obj["created"] and obj["modified"]
        validate_object(schemas, obj)
    # A members-only object leaves no trace.
    assert client.get(f"{BASE}meeting/{private_pk}/").status_code == 404
    plain = json.loads(client.get(f"{BASE}meetings/").content)["data"]
    assert all(not o.get("deleted") for o in plain)
    changed = json.loads(client.get(f"{BASE}meetings/", {"modified_since": since.isoformat()}).content)[
        "data"
    ]
    assert {"id": f"{BASE}meeting/{planned_pk}/", "deleted": True}.items() <= next(
        o for o in changed if o["id"].endswith(f"/meeting/{planned_pk}/")
    ).items()
    assert not any(o["id"].endswith(f"/meeting/{private_pk}/") for o in changed)


def test_conditional_get_cors_and_encoding(client, world):
    url = f"{BASE}meeting/{world.public['planned'].pk}/"
    response = client.get(url)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Öppet möte".encode() in response.content and not response.content.startswith(b"\xef\xbb\xbf")
    etag, last_modified = response["ETag"], response["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    # A change shows at once (the cache follows the page cache's generation) with a new ETag.
    Meeting.objects.filter(pk=world.public["planned"].pk).update(title="Nytt namn")
    world.public["planned"].refresh_from_db()
    world.public["planned"].save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and b"Nytt namn" in changed.content


def test_rate_limit(client, world, settings):
    settings.OPARL_RATE_LIMIT_PER_MINUTE = 3
    statuses = [client.get(f"{BASE}meetings/").status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    limited = client.get(f"{BASE}meetings/")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert json.loads(limited.content)["type"] == "https://schema.oparl.org/1.1/Error"


def test_public_minutes_as_html(client, world):
    held = world.public["held"]
    response = client.get(f"{BASE}file/minutes-{held.pk}-html/content/")
    html = response.content.decode()
    assert response.status_code == 200 and "Beslut om Punkt om samrådet" in html
    assert "Sluten punkt om personal" not in html


def _grow(world, n):
    coord = world.coord
    for i in range(n):
        meeting = MeetingFactory(title=f"Extra möte {i}", is_public=True)
        AgendaItemFactory.create_batch(3, meeting=meeting, consultation=world.public["concluded"])
        ConsultationFactory(title=f"Extra samråd {i}")
        OrganisationFactory()
    assert coord


@pytest.mark.parametrize(
    "path",
    ["meetings", "agendaitems", "papers", "consultations", "files", "organizations", "persons", "locations"],
)
def test_list_queries_are_flat(client, world, settings, path):
    settings.OPARL_CACHE_SECONDS = 0
    url = f"{BASE}{path}/?limit=100"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(world, 6)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries), path
    assert len(small.captured_queries) <= 25
    print(f"{path}: {len(small.captured_queries)} queries")
