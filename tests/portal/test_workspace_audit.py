"""The audit trail in the workspace reads as sentences in the reader's language, filterable by person and
by object, with a flat number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services as meeting_services
from portal.services import audit_log
from tests.factories import ConsultationFactory, OrganisationFactory, coordinator
from tests.meetings.helpers import published_minutes, schedule

pytestmark = pytest.mark.django_db


def test_sentences_and_filters(client):
    anna = coordinator("anna@example.org", display_name="Anna Berg")
    bo = coordinator("bo@example.org", display_name="Bo Ek")
    meeting = schedule(anna, title="Decembermötet")
    minutes = published_minutes(anna, meeting, org=OrganisationFactory())
    consultation = ConsultationFactory(title="Trygga mötesplatser")
    audit_log(actor=bo, action="consultations.publish", target=consultation)
    client.force_login(anna)
    html = client.get(reverse("workspace_audit")).content.decode()
    day = meeting.start.astimezone().day
    assert f"Anna Berg publicerade protokollet från {day} " in html
    assert "meetings.minutes_publish" not in html
    assert "Bo Ek publicerade samrådet ”Trygga mötesplatser”" in html
    by_bo = client.get(reverse("workspace_audit"), {"person": bo.pk}).content.decode()
    assert "Bo Ek publicerade samrådet" in by_bo and "Anna Berg" not in by_bo.split("</select>")[1]
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(minutes)
    about = client.get(reverse("workspace_audit"), {"type": ct.pk, "id": minutes.pk}).content.decode()
    assert "publicerade protokollet" in about and "Trygga mötesplatser" not in about.split("</form>")[1]
    assert meeting_services  # the minutes went through the real services


def test_only_coordinators(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("workspace_audit"))
    assert response.status_code in (302, 403) and response.get("Location") != reverse("workspace_audit")


def test_query_count_flat(client):
    anna = coordinator("anna@example.org", display_name="Anna Berg")
    client.force_login(anna)
    meeting = schedule(anna)
    published_minutes(anna, meeting, org=OrganisationFactory())
    client.get(reverse("workspace_audit"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("workspace_audit"))
    for i in range(5):
        m = schedule(anna, title=f"Möte {i}")
        published_minutes(anna, m, org=OrganisationFactory())
        audit_log(actor=anna, action="consultations.publish", target=ConsultationFactory())
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("workspace_audit"))
    assert len(large.captured_queries) <= len(small.captured_queries) + 1, (
        len(small.captured_queries),
        len(large.captured_queries),
    )
