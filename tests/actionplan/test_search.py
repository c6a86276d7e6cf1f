"""The site search finds the action plan's published activities by words in their description, not only
their title, under a heading of their own (and not a second time among the pages)."""

import re

import pytest

from actionplan.models import ActivityPage

pytestmark = pytest.mark.django_db


def _groups(body):
    """{group heading: [result titles]} as the search page shows them."""
    groups = {}
    for section in re.findall(r'<section aria-labelledby="group-[a-z]+"(.*?)</section>', body, re.S):
        heading = re.search(r"<h2[^>]*>(.*?)<", section, re.S).group(1).strip()
        groups[heading] = [
            t.strip() for t in re.findall(r'<h3 class="card__title"><a href="[^"]*">(.*?)</a>', section)
        ]
    return groups


@pytest.fixture
def described(activity):
    activity.description = "<p>Kartläggning av hatbrott mot romer på digitala plattformar.</p>"
    activity.save_revision().publish()
    return activity


def test_an_activity_is_found_by_a_word_in_its_description(client, described, body):
    groups = _groups(client.get("/search/", {"q": "hatbrott"}).content.decode())
    assert groups.get("Aktiviteter i handlingsplanen") == ["Rasism i sociala medier"]
    assert "Rasism i sociala medier" not in groups.get("Sidor", [])
    page = client.get("/search/", {"q": "hatbrott"}).content.decode()
    assert described.url in page and "Utbildningsnämnden" in page  # the link and the responsible body


def test_a_draft_activity_is_not_found(client, described, area_page, body):
    draft = ActivityPage(
        title="Hemlig plan",
        slug="hemlig",
        description="<p>Hatbrott i idrotten.</p>",
        responsible_body=body,
        period_start=2026,
        live=False,
    )
    area_page.add_child(instance=draft)
    groups = _groups(client.get("/search/", {"q": "idrotten"}).content.decode())
    assert "Hemlig plan" not in str(groups)
