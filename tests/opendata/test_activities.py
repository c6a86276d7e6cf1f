"""The action plan's activities in the open data: published activities only, with area, responsible body,
status, period, forms of racism and the number of published follow-ups, as CSV and JSON."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplan.models import (
    ActionPlanPage,
    ActivityPage,
    CityBody,
    DevelopmentArea,
    DevelopmentAreaPage,
    FollowUp,
)
from opendata import datasets
from organisations.models import FocusArea
from tests.factories import add_page, site_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_world(db):
    education = CityBody.objects.create(slug="utbildningsnamnden", name_sv="Utbildningsnämnden", name_en="Ed")
    culture = CityBody.objects.create(slug="kulturnamnden", name_sv="Kulturnämnden", name_en="Culture")
    plan = add_page(site_home(), ActionPlanPage(title="Handlingsplanen", slug="handlingsplanen"))
    area = add_page(
        plan,
        DevelopmentAreaPage(
            title="Barn och unga", slug="barn", area=DevelopmentArea.objects.get(code="children")
        ),
    )
    page = ActivityPage(
        title="Rasism i sociala medier",
        slug="sociala-medier",
        description="<p>Kartläggning av <b>hat</b> på nätet.</p>",
        responsible_body=education,
        status="ongoing",
        period_start=2024,
        period_end=2027,
    )
    page.forms_of_racism.set(FocusArea.objects.filter(slug__in=["antisemitism", "afrofobi"]))
    page.cooperating_bodies.set([culture])
    activity = add_page(area, page)
    draft = ActivityPage(
        title="Hemligt utkast till aktivitet", slug="utkast", responsible_body=education, live=False
    )
    area.add_child(instance=draft)

    now = timezone.now()
    first = FollowUp.objects.create(
        activity=activity,
        period="2025",
        period_end="2025-12-31",
        activity_status="ongoing",
        narrative="Först.",
        published_at=now,
    )
    FollowUp.objects.create(  # a correction of the first: the two count as one
        activity=activity,
        period="2025",
        period_end="2025-12-31",
        activity_status="ongoing",
        narrative="Rättad.",
        published_at=now,
        supersedes=first,
    )
    FollowUp.objects.create(
        activity=activity,
        period="2026",
        period_end="2026-12-31",
        activity_status="ongoing",
        narrative="Andra.",
        published_at=now,
    )
    FollowUp.objects.create(  # not published
        activity=activity,
        period="2027",
        period_end="2027-12-31",
        activity_status="ongoing",
        narrative="Utkast.",
    )
    return activity


def test_activities_file_holds_published_activities_with_their_facts(plan_world, client):
    datasets.build_all()
    body = b"".join(client.get(reverse("opendata:download", args=["activities", "csv"])).streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert "Hemligt utkast" not in body.decode()
    assert rows == [
        {
            "id": str(plan_world.pk),
            "title": "Rasism i sociala medier",
            "description": "Kartläggning av hat på nätet.",
            "development_area": "children",
            "responsible_body": "utbildningsnamnden",
            "responsible_body_name": "Utbildningsnämnden",
            "cooperating_bodies": "kulturnamnden",
            "status": "ongoing",
            "period_start": "2024",
            "period_end": "2027",
            "forms_of_racism": "afrofobi; antisemitism",
            "follow_ups": "2",
            "url": rows[0]["url"],
        }
    ]
    assert rows[0]["url"].startswith("http") and rows[0]["url"].endswith(
        "/handlingsplanen/barn/sociala-medier/"
    )

    payload = json.loads(
        b"".join(client.get(reverse("opendata:download", args=["activities", "json"])).streaming_content)
    )
    assert payload["dataset"] == "activities"
    assert [(r["id"], r["follow_ups"], r["period_start"]) for r in payload["data"]] == [
        (plan_world.pk, 2, 2024)
    ]


def test_activities_are_in_the_dictionary_and_the_catalogue(plan_world, client):
    assert "activities" in datasets.DATASETS
    catalogue = datasets.build_all()
    assert catalogue["datasets"]["activities"]["rows"] == 1
    page = client.get(reverse("opendata:index")).content.decode()
    assert "Handlingsplanens aktiviteter" in page
    assert "Antal publicerade uppföljningar" in page
