"""An action item in the minutes can belong to an activity of the action plan: the coordinators choose among
the published activities, and the activity's page lists the item once the minutes are public."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from actionplan.models import ActivityPage
from meetings import services
from meetings.forms import ActionItemForm
from meetings.models import ActionItem
from portal.models import AuditEntry
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.meetings.helpers import published_minutes

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(db):
    meeting = MeetingFactory(title="Referensgruppens möte", is_public=True, invite_all_approved=True)
    AgendaItemFactory(meeting=meeting, title="Handlingsplanen", sort_order=0)
    return meeting


@pytest.fixture
def draft_activity(area_page, body):
    """An activity saved as a draft, never published."""
    page = ActivityPage(
        title="Utkast: rasism i idrotten",
        slug="idrotten",
        responsible_body=body,
        status="planned",
        period_start=2026,
        period_end=2027,
        live=False,
    )
    area_page.add_child(instance=page)
    page.save_revision()
    return page


@pytest.fixture
def draft_minutes(coord, meeting):
    services.meeting_mark_held(actor=coord, meeting=meeting)
    return services.minutes_start(actor=coord, meeting=meeting)


def _form(meeting, activity_pk):
    return ActionItemForm(
        {
            "action-description": "Ta fram en kartläggning",
            "action-responsible_unit": "Kommunstyrelsen",
            "action-activity": str(activity_pk),
        },
        meeting=meeting,
        prefix="action",
    )


def test_the_service_stores_the_activity(coord, draft_minutes, activity):
    item = services.action_item_create(
        actor=coord,
        minutes=draft_minutes,
        description="Ta fram en kartläggning",
        responsible_unit="Kommunstyrelsen",
        activity=activity,
    )
    assert ActionItem.objects.get(pk=item.pk).activity_id == activity.pk
    assert list(activity.action_items.all()) == [item]


def test_the_service_refuses_an_unpublished_activity_and_stores_nothing(coord, draft_minutes, draft_activity):
    with pytest.raises(ValidationError) as exc:
        services.action_item_create(
            actor=coord,
            minutes=draft_minutes,
            description="Ta fram en kartläggning",
            responsible_unit="Kommunstyrelsen",
            activity=draft_activity,
        )
    assert exc.value.message_dict["activity"] == [
        "Välj en publicerad aktivitet: den här är inte publicerad på webbplatsen."
    ]
    assert ActionItem.objects.count() == 0


def test_the_form_offers_only_published_activities(coord, meeting, activity, draft_activity):
    offered = list(_form(meeting, activity.pk).fields["activity"].queryset)
    assert offered == [ActivityPage.objects.get(pk=activity.pk)]


@pytest.mark.parametrize(
    "language, message",
    [
        (
            "sv",
            "Välj en av handlingsplanens publicerade aktiviteter. Utkast och tillbakadragna aktiviteter går "
            "inte att välja.",
        ),
        (
            "en",
            "Choose one of the action plan's published activities. Drafts and withdrawn activities cannot be "
            "chosen.",
        ),
    ],
)
def test_the_form_refuses_an_unpublished_or_foreign_activity_in_words(
    meeting, draft_activity, area_page, language, message
):
    with translation.override(language):
        for pk in (draft_activity.pk, area_page.pk):  # a draft; a page that is not an activity
            form = _form(meeting, pk)
            assert not form.is_valid()
            assert form.errors["activity"] == [message]


def test_coordinator_adds_an_item_to_an_activity_and_its_page_lists_it(
    client, coord, meeting, activity, draft_activity
):
    services.meeting_mark_held(actor=coord, meeting=meeting)
    client.force_login(coord)
    url = reverse("workspace_meeting_minutes", kwargs={"pk": meeting.pk})
    page = client.get(url).content.decode()
    assert f'value="{activity.pk}"' in page and f'value="{draft_activity.pk}"' not in page

    refused = client.post(
        url,
        {
            "add_action_item": "1",
            "action-description": "Kartlägg hat i sociala medier",
            "action-responsible_unit": "Kommunstyrelsen",
            "action-activity": draft_activity.pk,
        },
    )
    assert refused.status_code == 400
    assert "Välj en av handlingsplanens publicerade aktiviteter" in refused.content.decode()
    assert ActionItem.objects.count() == 0

    client.post(
        url,
        {
            "add_action_item": "1",
            "action-description": "Kartlägg hat i sociala medier",
            "action-responsible_unit": "Kommunstyrelsen",
            "action-due_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "action-activity": activity.pk,
        },
    )
    item = ActionItem.objects.get()
    assert item.activity_id == activity.pk
    minutes = item.minutes
    services.minutes_send_for_review(actor=coord, minutes=minutes, days=7)
    services.minutes_approve(actor=coord, minutes=minutes)
    services.minutes_publish(actor=coord, minutes=minutes, audience="public")

    client.logout()
    html = client.get(activity.url).content.decode()
    assert "Kartlägg hat i sociala medier" in html


def test_items_of_members_only_minutes_stay_off_the_activity_page(client, coord, meeting, activity, org):
    minutes = published_minutes(coord, meeting, org=org, audience="members")
    services.action_item_set_activity(actor=coord, item=minutes.action_items.get(), activity=activity)
    assert "Skicka synpunkter på aktivitet 3" not in client.get(activity.url).content.decode()


def test_coordinator_files_an_approved_item_under_an_activity(
    client, coord, meeting, activity, draft_activity, org
):
    minutes = published_minutes(coord, meeting, org=org, audience="public")
    item = minutes.action_items.get()
    assert "Skicka synpunkter på aktivitet 3" not in client.get(activity.url).content.decode()
    client.force_login(coord)
    url = reverse("meetings:action_item_update", kwargs={"pk": item.pk})

    refused = client.post(url, {"set_activity": "1", "plan-activity": draft_activity.pk})
    assert refused.status_code == 400
    assert "Välj en av handlingsplanens publicerade aktiviteter" in refused.content.decode()

    response = client.post(url, {"set_activity": "1", "plan-activity": activity.pk}, follow=True)
    assert "Åtgärdens aktivitet har sparats." in response.content.decode()
    item.refresh_from_db()
    assert item.activity_id == activity.pk
    assert item.status == ActionItem.Status.OPEN  # the status form was not touched
    assert AuditEntry.objects.filter(action="meetings.action_item_set_activity", actor=coord).count() == 1

    client.logout()
    assert "Skicka synpunkter på aktivitet 3" in client.get(activity.url).content.decode()


def test_only_coordinators_file_items_under_activities(coord, meeting, activity, org, org_admin):
    minutes = published_minutes(coord, meeting, org=org, audience="public")
    with pytest.raises(PermissionDenied):
        services.action_item_set_activity(actor=org_admin, item=minutes.action_items.get(), activity=activity)
