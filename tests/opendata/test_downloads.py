"""The open-data files: built by the beat task, downloadable from the page linked in the footer, with a
data dictionary that defines every column in both languages, and nothing a visitor could not see."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from opendata import datasets, tasks
from portal.celery import app

pytestmark = pytest.mark.django_db


def _csv(client, name):
    response = client.get(reverse("opendata:download", args=[name, "csv"]))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


def test_beat_schedules_the_rebuild_and_the_task_writes_every_file(world, client):
    entry = settings.CELERY_BEAT_SCHEDULE["opendata-rebuild"]
    assert entry["task"] == "opendata.rebuild" and "opendata.rebuild" in app.tasks
    assert tasks.rebuild.delay().get() == len(datasets.DATASETS)
    catalogue = datasets.catalogue()
    for name, dataset in datasets.DATASETS.items():
        rows = _csv(client, name)
        assert len(rows) == catalogue["datasets"][name]["rows"]
        payload = json.loads(
            b"".join(client.get(reverse("opendata:download", args=[name, "json"])).streaming_content)
        )
        assert payload["license"] == settings.OPENDATA_LICENSE_URL and len(payload["data"]) == len(rows)
        for row in payload["data"]:
            assert set(row) == {c.name for c in dataset.columns}, name


def test_files_hold_public_data_only(world, client):
    datasets.build_all()
    everything = ""
    for name in datasets.DATASETS:
        everything += b"".join(
            client.get(reverse("opendata:download", args=[name, "csv"])).streaming_content
        ).decode()
    # The member's name is public where the site shows it (signing a comment); nothing else of theirs is.
    for text in world.secret_texts:
        if text != "Maja Medlemsson":
            assert text not in everything, text
    comments = _csv(client, "comments")
    assert [c["text"] for c in comments] == ["En offentlig kommentar."]
    assert comments[0]["signed"] == "Maja Medlemsson, Föreningen Öppen"
    responses = _csv(client, "responses")
    assert [r["receipt_number"] for r in responses] == ["SVAR-2026-0001"]
    meetings = {m["title"] for m in _csv(client, "meetings")}
    assert meetings == {"Öppet möte", "Protokollfört möte"}
    items = {i["title"]: i for i in _csv(client, "agenda_items")}
    assert "Sluten punkt om ekonomi" not in items and items["Punkt om samrådet"]["decision"]
    assert {o["name"] for o in _csv(client, "organisations")} == {"Föreningen Öppen"}


def test_responses_stay_out_when_the_consultation_keeps_them_to_members(world, client):
    concluded = world.public["concluded"]
    concluded.responses_visibility = "members"
    concluded.save()
    datasets.build_all()
    assert _csv(client, "responses") == []


def test_page_in_footer_with_a_dictionary_in_both_languages(world, client):
    footer = client.get(reverse("opendata:api")).content.decode().split("<footer", 1)[1]
    assert f'href="{reverse("opendata:index")}"' in footer
    page = client.get(reverse("opendata:index")).content.decode()
    with translation.override("en"):
        english = client.get(reverse("opendata:index")).content.decode()
        english_url = reverse("opendata:index")
    assert english_url.startswith("/en/")
    for dataset in datasets.DATASETS.values():
        for column in dataset.columns:
            assert f"<code>{column.name}</code>" in page
            with translation.override("sv"):
                swedish = str(column.description)
            with translation.override("en"):
                english_text = str(column.description)
            assert swedish != english_text, f"no Swedish definition of {dataset.name}.{column.name}"
            assert swedish.replace("'", "&#x27;") in page
    assert "Öppna data" in page and "CC0 1.0" in page
    english = client.get(english_url).content.decode()
    assert "Open data" in english and "Files and data dictionary" in english


def test_dcat_description_lists_every_distribution(world, client):
    from xml.etree import ElementTree

    response = client.get(reverse("opendata:dcat"))
    assert response["Content-Type"].startswith("application/rdf+xml")
    root = ElementTree.fromstring(response.content)
    dcat = "{http://www.w3.org/ns/dcat#}"
    assert len(root.findall(f".//{dcat}Dataset")) == len(datasets.DATASETS)
    assert len(root.findall(f".//{dcat}Distribution")) == 2 * len(datasets.DATASETS)


def test_api_documentation_in_both_languages(client, world):
    swedish = client.get(reverse("opendata:api")).content.decode()
    assert "http://testserver/oparl/v1/" in swedish and "OParl" in swedish
    with translation.override("en"):
        url = reverse("opendata:api")
    english = client.get(url).content.decode()
    assert "Lists, filters and pages" in english and "Lists, filters and pages" not in swedish
