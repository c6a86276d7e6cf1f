import pytest
from django.core.management import call_command

from meetings.models import ActionItem, AgendaItem, Meeting, Minutes

pytestmark = pytest.mark.django_db


def test_demo_has_one_coming_public_meeting_with_an_agenda_and_is_idempotent(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert Meeting.objects.count() == 2  # the coming meeting and a held one with minutes
    meeting = Meeting.objects.get(state=Meeting.State.PLANNED)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 4
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Referensgruppens möte om barn och unga" in html
    assert "Hur förebygger vi att barn och unga utsätts för rasism?" in html
    # The online link is for members of invited organisations, not for visitors.
    assert "meet.example.org" not in html
    assert "Referensgruppens möte om barn och unga" in client.get("/").content.decode()


def test_demo_has_one_held_meeting_with_published_minutes_and_action_items(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    meeting = Meeting.objects.get(state=Meeting.State.HELD)
    assert meeting.minutes.state == Minutes.State.PUBLISHED and meeting.minutes.audience == "public"
    assert ActionItem.objects.filter(minutes=meeting.minutes).count() == 3
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Referensgruppens arbetsordning" in html
    assert "Ordna så att referensgruppens möten kan följas digitalt." in html
