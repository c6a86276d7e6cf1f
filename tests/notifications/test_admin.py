"""Deliveries and suppressed addresses in the Wagtail admin: coordinators read them, nobody edits them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from notifications.models import Delivery, Suppression
from tests.factories import UserFactory, coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliveries(db):
    sent_to = UserFactory(email="skickad@example.org", display_name="Sigrid Skickad")
    failed_to = UserFactory(email="misslyckad@example.org", display_name="Mats Misslyckad")
    content_type = ContentType.objects.get_for_model(sent_to)
    common = {"content_type": content_type, "object_id": str(sent_to.pk)}
    sent = Delivery.objects.create(
        event="meetings.reminder", recipient=sent_to, status=Delivery.Status.SENT, **common
    )
    failed = Delivery.objects.create(
        event="consultations.closing_soon",
        recipient=failed_to,
        status=Delivery.Status.FAILED,
        last_error="SMTP 550",
        **common,
    )
    return sent, failed


def test_coordinator_lists_and_filters_deliveries_but_cannot_edit(client, deliveries):
    sent, failed = deliveries
    client.force_login(coordinator())
    index = reverse("notification_deliveries:index")
    content = client.get(index).content.decode()
    assert "Sigrid Skickad" in content and "Mats Misslyckad" in content
    content = client.get(index, {"status": "failed"}).content.decode()
    assert "Mats Misslyckad" in content and "Sigrid Skickad" not in content
    content = client.get(index, {"event": "meetings.reminder"}).content.decode()
    assert "Sigrid Skickad" in content and "Mats Misslyckad" not in content
    inspect = client.get(reverse("notification_deliveries:inspect", args=[failed.pk]))
    assert "SMTP 550" in inspect.content.decode()
    assert client.get(reverse("notification_deliveries:edit", args=[failed.pk])).status_code in (302, 403)
    assert client.get(reverse("notification_deliveries:delete", args=[failed.pk])).status_code in (302, 403)
    response = client.post(reverse("notification_deliveries:edit", args=[failed.pk]), {"status": "sent"})
    assert response.status_code in (302, 403)
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.FAILED


def test_coordinator_reads_suppressions(client):
    Suppression.objects.create(email="studsar@example.org", reason="bounced")
    client.force_login(coordinator())
    content = client.get(reverse("notification_suppressions:index")).content.decode()
    assert "studsar@example.org" in content
    assert client.get(reverse("notification_suppressions:add")).status_code in (302, 403)


def test_members_cannot_see_deliveries(client, deliveries):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(reverse("notification_deliveries:index"))
    assert response.status_code in (302, 403)
    assert "Mats Misslyckad" not in response.content.decode()
