import pytest
from django.urls import reverse

from actionplan.models import KnowledgeInput
from actionplan.services import knowledge_input_send
from actionplan.validation import find_personal_details, find_personnummer
from notifications.models import Notification
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

VALID_PNR = "19811218-9876"


@pytest.mark.parametrize(
    "text", ["Barnet 19811218-9876 blev", "nr 811218-9876.", "8112189876", "198112189876", "811218+9876"]
)
def test_personnummer_is_found_in_any_common_form(text):
    assert find_personnummer(text)


@pytest.mark.parametrize("text", ["Åren 2021-2024 ökade det", "Tel 123456-7890 är ogiltigt", "811218-9875"])
def test_numbers_that_are_not_personnummer_pass(text):
    assert find_personnummer(text) == []


def test_names_and_contacts_are_flagged():
    hits = find_personal_details(
        "Vi hörde att Anna Svensson blev utsatt. Skriv till anna@example.org eller 070-123 45 67."
    )
    assert "Anna Svensson" in hits and "anna@example.org" in hits and "070-123 45 67" in hits


def _post(client, org, activity, **extra):
    data = {
        "organisation": str(org.pk),
        "activity": str(activity.pk),
        "text": "Elever möter rasism i chattar.",
        "settings": ["school", "digital"],
        "city_districts": ["rinkeby-kista"],
    }
    data.update(extra)
    return client.post(reverse("actionplan:input_create"), data)


def test_personnummer_is_refused_then_the_input_goes_through_and_notifies(
    client, org, org_admin, activity, coord
):
    activity.coordinator = coord
    activity.save_revision().publish()
    client.force_login(org_admin)
    response = _post(client, org, activity, text=f"Ett barn, {VALID_PNR}, berättade om det.")
    assert response.status_code == 200
    assert (
        "Remove the personal identity number" in response.content.decode()
        or "personnummer" in response.content.decode()
    )
    assert not KnowledgeInput.objects.exists()

    response = _post(client, org, activity)
    knowledge_input = KnowledgeInput.objects.get()
    assert response.status_code == 302
    assert knowledge_input.organisation == org and knowledge_input.area.code == "children"
    assert knowledge_input.settings == ["school", "digital"]
    assert Notification.objects.filter(recipient=coord, event="actionplan.input_received").exists()


def test_contact_details_warn_first_and_go_through_when_confirmed(client, org, org_admin, activity):
    client.force_login(org_admin)
    text = "Ring oss på 070-123 45 67 om ni vill veta mer."
    response = _post(client, org, activity, text=text)
    assert "070-123 45 67" in response.content.decode()
    assert not KnowledgeInput.objects.exists()
    _post(client, org, activity, text=text, confirm_no_personal_details="on")
    assert KnowledgeInput.objects.count() == 1


def test_the_service_refuses_a_personnummer_whatever_the_form_did(org, org_admin, activity):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        knowledge_input_send(
            organisation=org,
            actor=org_admin,
            text="ok",
            suggestions=f"Kontakta {VALID_PNR}",
            activity=activity,
        )
    assert not KnowledgeInput.objects.exists()


def test_only_admins_of_approved_organisations_may_send(client, org, activity):
    member = MembershipFactory(organisation=org, role="member").user
    client.force_login(member)
    assert client.get(reverse("actionplan:input_create")).status_code == 403
    pending = OrganisationFactory(status="pending")
    admin = MembershipFactory(organisation=pending, role="admin").user
    client.force_login(admin)
    assert client.get(reverse("actionplan:input_create")).status_code == 403
