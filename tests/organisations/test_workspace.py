"""Organisation applications in the coordinators' workspace: the queue, the application with its history,
approve, and reject with a reason that the e-mail quotes."""

import pytest
from django.urls import reverse

from organisations.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(db):
    org = OrganisationFactory(name="Nya föreningen", status=Organisation.Status.PENDING)
    MembershipFactory(organisation=org, role="admin", user=UserFactory(email="ny@example.org"))
    return org


def test_members_cannot_open_the_queue(client, applicant):
    member = MembershipFactory(organisation=OrganisationFactory()).user
    client.force_login(member)
    for url in (reverse("workspace_applications"), reverse("workspace_application", args=[applicant.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403) and response.get("Location") != url
    response = client.post(reverse("workspace_application", args=[applicant.pk]), {"decision": "approve"})
    applicant.refresh_from_db()
    assert applicant.status == "pending"


def test_queue_and_reject_with_reason_quoted_in_the_email(
    client, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator(display_name="Cecilia Samordnare"))
    queue = client.get(reverse("workspace_applications")).content.decode()
    assert "Nya föreningen" in queue
    url = reverse("workspace_application", args=[applicant.pk])
    assert client.post(url, {"decision": "reject", "reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "reject", "reason": "Föreningen verkar inte i Stockholm."})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == "rejected"
    assert any(
        "Föreningen verkar inte i Stockholm." in m.body for m in mailoutbox if m.to == ["ny@example.org"]
    )
    page = client.get(url).content.decode()
    assert "Föreningen verkar inte i Stockholm." in page and "Cecilia Samordnare" in page  # the history
    # Rejected: no more buttons, and the server refuses a second decision.
    assert 'value="approve"' not in page
    response = client.post(url, {"decision": "reject", "reason": "Igen."}, follow=True)
    assert "Bara ansökningar som väntar på beslut kan avslås." in response.content.decode()


def test_approve(client, applicant):
    coord = coordinator()
    client.force_login(coord)
    client.post(reverse("workspace_application", args=[applicant.pk]), {"decision": "approve", "message": ""})
    applicant.refresh_from_db()
    assert applicant.status == "approved"
    assert applicant.status_changes.filter(to_status="approved", actor=coord).exists()
