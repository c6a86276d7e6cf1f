"""Issue 19, defect 7: what a meeting's pages show once it is over."""

import datetime as dt
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation

from meetings import services
from tests.factories import AgendaItemFactory, MeetingFactory, MeetingInvitationFactory, MembershipFactory
from tests.meetings.helpers import published_minutes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


def test_held_once_on_the_coordinators_meeting_page(client, coord, meeting):
    services.meeting_mark_held(actor=coord, meeting=meeting)
    client.force_login(coord)
    body = client.get(reverse("workspace_meeting", kwargs={"pk": meeting.pk})).content.decode()
    stepper = re.search(r'<ol class="stepper".*?</ol>', body, re.S).group(0)
    assert stepper.count("Genomfört") == 1, stepper
    assert re.search(r'aria-current="step">\s*Genomfört', stepper), stepper


def test_published_minutes_show_the_attendance_list(client, coord, meeting, org, member):
    MembershipFactory(organisation=org, user__display_name="Ulla Utan")
    published_minutes(coord, meeting, org=org)
    client.force_login(member)
    body = client.get(reverse("meetings:detail", kwargs={"pk": meeting.pk})).content.decode()
    minutes = body[body.index('id="minutes"') :]
    assert "Närvarolista" in minutes
    attendance = re.search(r'<ul class="attendance-list"[^>]*>(.*?)</ul>', minutes, re.S).group(1)
    assert org.name in attendance


def test_calendar_link_only_for_coming_meetings(client, member, org):
    coming = MeetingFactory(invite_all_approved=False)
    past_start = timezone.now() - dt.timedelta(days=3)
    past = MeetingFactory(invite_all_approved=False, start=past_start, end=past_start + dt.timedelta(hours=2))
    for meeting in (coming, past):
        MeetingInvitationFactory(meeting=meeting, organisation=org)
        AgendaItemFactory(meeting=meeting)
    client.force_login(member)
    coming_page = client.get(reverse("meetings:detail", kwargs={"pk": coming.pk})).content.decode()
    past_page = client.get(reverse("meetings:detail", kwargs={"pk": past.pk})).content.decode()
    assert "Lägg till i din kalender" in coming_page
    assert "Lägg till i din kalender" not in past_page
    assert reverse("meetings:ics", kwargs={"pk": past.pk}) not in past_page


def test_favicon_is_served_from_the_static_files(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")
    assert response["Location"].startswith("/")  # our own static files, no third party
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in client.get("/finns-inte/").content.decode()
