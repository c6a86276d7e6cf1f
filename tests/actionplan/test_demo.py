"""The demo links two of the held demo meeting's action items to activities: a new user sees them on the
activity page (with a link to the minutes) and, in the minutes, the activity they belong to, in Swedish and
in English. Re-seeding leaves the links as they are."""

import pytest
from django.core.management import call_command
from django.utils import translation

from actionplan.models import ActivityPage
from meetings.demo import PLAN_TITLE
from meetings.models import ActionItem, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_once, db):
    call_command("seed_demo", verbosity=0)  # a second run changes nothing the tests read


def test_two_demo_action_items_belong_to_activities(seeded):
    linked = dict(
        ActionItem.objects.filter(activity__isnull=False).values_list("activity__slug", "description")
    )
    assert sorted(linked) == ["digitala-plattformar", "utbildning-och-certifiering"]
    assert ActionItem.objects.filter(minutes__meeting__title=PLAN_TITLE, activity__isnull=True).count() == 1


def test_the_activity_page_lists_the_action_item_and_links_the_minutes(client, seeded):
    meeting = Meeting.objects.get(title=PLAN_TITLE)
    activity = ActivityPage.objects.get(slug="digitala-plattformar", locale__language_code="sv")
    html = client.get(activity.url).content.decode()
    assert "Fråga tre skolor hur de hanterar rasistiska kommentarer i klassens chattar" in html
    assert f'<a href="{meeting.minutes.get_absolute_url()}">Protokoll: {PLAN_TITLE}</a>' in html

    english = ActivityPage.objects.get(slug="digitala-plattformar", locale__language_code="en")
    with translation.override("en"):
        html = client.get(english.url).content.decode()
    assert "Fråga tre skolor" in html  # the minutes are written in Swedish
    assert f"Minutes: {PLAN_TITLE}" in html


def test_the_minutes_name_the_activity_in_the_readers_language(client, seeded):
    meeting = Meeting.objects.get(title=PLAN_TITLE)
    sv = ActivityPage.objects.get(slug="utbildning-och-certifiering", locale__language_code="sv")
    en = ActivityPage.objects.get(slug="utbildning-och-certifiering", locale__language_code="en")
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'Aktivitet: <a href="{sv.url}">Utbildning som leder till certifiering</a>' in html
    html = client.get("/en" + meeting.get_absolute_url()).content.decode()
    assert f'Activity: <a href="{en.url}">Training that leads to certification</a>' in html
    # The item that belongs to no activity names none.
    assert html.count("Activity: <a") == 2


def test_the_demo_activities_are_found_in_english_and_in_swedish(client, seeded):
    html = client.get("/en/search/", {"q": "certification"}).content.decode()
    assert "Training that leads to certification" in html
    assert "Utbildning som leder till certifiering" not in html
    html = client.get("/search/", {"q": "certifiering"}).content.decode()
    assert "Utbildning som leder till certifiering" in html
