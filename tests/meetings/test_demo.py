import pytest
from django.core.management import call_command

from meetings.demo import HELD_TITLE, PLAN_TITLE, TITLE
from meetings.models import ActionItem, AgendaItem, Meeting, Minutes

pytestmark = pytest.mark.django_db


def test_demo_has_one_coming_public_meeting_with_an_agenda_and_is_idempotent(client, demo_once):
    call_command("seed_demo", verbosity=0)
    assert Meeting.objects.count() == 3  # the coming meeting and two held ones with minutes
    meeting = Meeting.objects.get(title=TITLE)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 4
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Referensgruppens möte om barn och unga" in html
    assert "Hur förebygger vi att barn och unga utsätts för rasism?" in html
    # The online link is for members of invited organisations, not for visitors.
    assert "meet.example.org" not in html
    assert "Referensgruppens möte om barn och unga" in client.get("/").content.decode()


def test_demo_has_one_held_meeting_with_published_minutes_and_action_items(client, demo_once):
    call_command("seed_demo", verbosity=0)
    meeting = Meeting.objects.get(title=PLAN_TITLE)
    assert meeting.minutes.state == Minutes.State.PUBLISHED and meeting.minutes.audience == "public"
    assert ActionItem.objects.filter(minutes=meeting.minutes).count() == 3
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Referensgruppens arbetsordning" in html
    assert "Ordna så att referensgruppens möten kan följas digitalt." in html


def test_demo_has_a_held_meeting_with_approved_minutes_published_to_everyone(client, demo_once):
    meeting = Meeting.objects.get(title=HELD_TITLE)
    minutes = meeting.minutes
    assert minutes.is_locked and minutes.is_published and len(minutes.sha256) == 64
    assert minutes.decisions.count() == 3 and minutes.action_items.count() == 2
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "ber staden pröva en tredje ansökningsomgång" in html  # a public decision
    assert "Samla exempel på lokala initiativ från Järva." in html  # an action item
    # The members-only item is not shown to visitors.
    assert "Referensgruppens budget för nästa år" not in html
    assert "Samordnaren gick igenom budgeten" not in html
