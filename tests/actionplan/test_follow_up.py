import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplan import services
from actionplan.models import FollowUp, FollowUpStep

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(activity, coord):
    follow_up = FollowUp.objects.create(
        activity=activity,
        period="2026",
        period_end="2026-12-31",
        activity_status="ongoing",
        narrative="Första uppföljningen.",
        created_by=coord,
    )
    FollowUpStep.objects.create(
        follow_up=follow_up, step=1, justification="Kurser varje termin.", sort_order=0
    )
    FollowUpStep.objects.create(
        follow_up=follow_up, step=4, justification="Barn är med i planeringen.", sort_order=1
    )
    return follow_up


def test_publish_then_the_staircase_shows_two_steps_in_place(client, draft, coord, activity):
    services.follow_up_publish(follow_up=draft, actor=coord)
    html = client.get(activity.url).content.decode()
    assert html.count("staircase__step--done") == 2 * 2  # current staircase + the timeline's copy
    assert "Kurser varje termin." in html and "Första uppföljningen." in html
    assert "Not yet" in html or "Inte ännu" in html


def test_a_draft_is_not_on_the_public_page(client, draft, activity):
    assert "Första uppföljningen." not in client.get(activity.url).content.decode()


def test_a_published_follow_up_is_never_edited(client, draft, coord):
    services.follow_up_publish(follow_up=draft, actor=coord)
    draft.refresh_from_db()
    draft.narrative = "Ändrad i efterhand"
    with pytest.raises(ValidationError):
        draft.full_clean()
    client.force_login(coord)
    response = client.post(reverse("actionplan_followup:edit", args=[draft.pk]), {"narrative": "Ändrad"})
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=draft.pk).narrative == "Första uppföljningen."
    client.post(reverse("actionplan_followup:delete", args=[draft.pk]))
    assert FollowUp.objects.filter(pk=draft.pk).exists()


def test_a_correction_supersedes_the_published_follow_up(client, draft, coord, activity):
    services.follow_up_publish(follow_up=draft, actor=coord)
    client.force_login(coord)
    client.post(reverse("actionplan:follow_up_correct", args=[draft.pk]), {"note": "Fel antal kurser."})
    correction = FollowUp.objects.get(supersedes=draft)
    assert correction.published_at is None and correction.steps.count() == 2
    correction.narrative = "Rättad uppföljning."
    correction.save()
    correction.steps.filter(step=4).delete()
    client.post(reverse("actionplan:follow_up_publish", args=[correction.pk]))
    correction.refresh_from_db()
    assert correction.published_at is not None
    assert FollowUp.objects.current().get() == correction
    client.logout()
    html = client.get(activity.url).content.decode()
    assert "Rättad uppföljning." in html and "Första uppföljningen." in html  # history kept
    assert html.count("staircase__step--done") == 1 + 1 + 2  # current, correction and old in the timeline
    assert "Fel antal kurser." in html


def test_only_coordinators_publish(client, draft, org_admin):
    client.force_login(org_admin)
    assert client.post(reverse("actionplan:follow_up_publish", args=[draft.pk])).status_code == 403
    assert FollowUp.objects.get(pk=draft.pk).published_at is None


def test_an_activity_with_links_is_not_deleted(client, draft, activity):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    from tests.factories import add_totp

    add_totp(admin)
    client.force_login(admin)
    client.post(reverse("wagtailadmin_pages:delete", args=[activity.pk]))
    from actionplan.models import ActivityPage

    assert ActivityPage.objects.filter(pk=activity.pk).exists()
