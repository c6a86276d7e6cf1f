import pytest
from django.core.management import call_command

from meetings.models import AgendaItem, Meeting

pytestmark = pytest.mark.django_db


def test_demo_has_one_coming_public_meeting_with_an_agenda_and_is_idempotent(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    meeting = Meeting.objects.get()
    assert AgendaItem.objects.filter(meeting=meeting).count() == 4
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Referensgruppens möte om barn och unga" in html
    assert "Hur förebygger vi att barn och unga utsätts för rasism?" in html
    # The online link is for members of invited organisations, not for visitors.
    assert "meet.example.org" not in html
    assert "Referensgruppens möte om barn och unga" in client.get("/").content.decode()
