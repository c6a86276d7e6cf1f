import pytest
from django.urls import reverse

from organisations.models import FocusArea
from portal.models import AuditEntry
from portal.services import audit_log
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_coordinator_lists_and_filters_organisations_in_the_admin(client, coordinator_user):
    OrganisationFactory(name="Godkänd förening")
    OrganisationFactory(name="Väntande förening", status="pending")
    client.force_login(coordinator_user)
    url = reverse("organisations_admin:index")
    response = client.get(url, {"status": "pending"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Väntande förening" in content and "Godkänd förening" not in content
    area = FocusArea.objects.get(slug="islamofobi")
    OrganisationFactory(name="Med fokus").focus_areas.add(area)
    content = client.get(url, {"focus_areas": area.pk}).content.decode()
    assert "Med fokus" in content and "Godkänd förening" not in content
    # No one adds organisations in the admin: they register through the portal.
    assert client.get(reverse("organisations_admin:add")).status_code in (302, 403)


def test_admin_edit_goes_through_the_service_and_is_audited(client, coordinator_user, organisation):
    client.force_login(coordinator_user)
    url = reverse("organisations_admin:edit", args=[organisation.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": organisation.name,
            "slug": organisation.slug,
            "org_number": "",
            "kind": "stiftelse",
            "focus_areas": [FocusArea.objects.get(slug="afrofobi").pk],
            "description": "Ny text",
            "city_districts": "",
            "website": "",
            "public_email": "",
            "phone": "",
            "listed_publicly": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.kind == "stiftelse"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"organisation.update", "organisation.set_focus_areas"} <= actions


def test_focus_area_edit_is_audited(client, coordinator_user):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("focus_areas_admin:add"),
        {"name_sv": "Afghanfobi", "name_en": "Anti-Afghan racism", "slug": "afghanfobi", "order": 80},
    )
    assert response.status_code == 302
    assert FocusArea.objects.filter(slug="afghanfobi").exists()
    assert AuditEntry.objects.filter(action="focus_area.create", object_repr="Afghanfobi").exists()


def test_audit_trail_is_readable_not_editable(client, coordinator_user, organisation):
    audit_log(actor=coordinator_user, action="organisation.approve", target=organisation)
    client.force_login(coordinator_user)
    content = client.get(reverse("audit_trail:index")).content.decode()
    assert "organisation.approve" in content
    entry = AuditEntry.objects.get()
    assert client.get(reverse("audit_trail:inspect", args=[entry.pk])).status_code == 200
    assert client.get(reverse("audit_trail:edit", args=[entry.pk])).status_code in (302, 403)
    assert client.get(reverse("audit_trail:delete", args=[entry.pk])).status_code in (302, 403)
