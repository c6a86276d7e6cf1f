"""Issue 19, defect 5: what a consultation page preselects for a person in several organisations is an
organisation that may act here (the only one, or the one last used), and choice lists offer no other."""

import re

import pytest
from django.urls import reverse

from consultations.models import Comment, Consultation
from tests.factories import (
    CommentFactory,
    ConsultationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    person = UserFactory(display_name="Pia Tre")
    alfa = OrganisationFactory(name="Alfa stiftelsen")  # first by name, not invited
    bron = OrganisationFactory(name="Bron ungdomsförening")
    zeta = OrganisationFactory(name="Zeta nätverket")
    for org in (alfa, bron, zeta):
        MembershipFactory(user=person, organisation=org, role="admin")
    consultation = ConsultationFactory(audience=Consultation.Audience.CHOSEN, sections=1)
    consultation.invited_organisations.set([bron, zeta])
    consultation.save()
    return {"person": person, "alfa": alfa, "bron": bron, "zeta": zeta, "consultation": consultation}


def _options(body, select_id_suffix="general-form-org"):
    match = re.search(rf'<select id="{select_id_suffix}"[^>]*>(.*?)</select>', body, re.S)
    assert match, "no speaking-for list"
    return re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', match.group(1))


def test_response_page_shows_an_invited_organisation_and_offers_only_invited_ones(client, setting):
    client.force_login(setting["person"])
    url = reverse("consultations:response", kwargs={"slug": setting["consultation"].slug})
    body = client.get(url).content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", body, re.S).group(1)
    assert "Alfa stiftelsen" not in heading
    switch = re.search(r'<select id="org-switch"[^>]*>(.*?)</select>', body, re.S).group(1)
    assert "Alfa stiftelsen" not in switch
    assert "Bron ungdomsförening" in switch and "Zeta nätverket" in switch
    # Asking for the uninvited organisation shows an invited one instead.
    body = client.get(f"{url}?organisation={setting['alfa'].pk}").content.decode()
    assert "Alfa stiftelsen" not in re.search(r"<h1>(.*?)</h1>", body, re.S).group(1)


def test_response_page_defaults_to_the_organisation_last_used(client, setting):
    CommentFactory(
        consultation=setting["consultation"], author=setting["person"], organisation=setting["zeta"]
    )
    client.force_login(setting["person"])
    url = reverse("consultations:response", kwargs={"slug": setting["consultation"].slug})
    body = client.get(url).content.decode()
    assert "Zeta nätverket" in re.search(r"<h1>(.*?)</h1>", body, re.S).group(1)


def test_comment_form_makes_the_person_choose_then_keeps_the_last_used(client, setting):
    consultation = setting["consultation"]
    client.force_login(setting["person"])
    body = client.get(consultation.get_absolute_url()).content.decode()
    options = _options(body)
    assert [name for _pk, _sel, name in options] == [
        "Välj en organisation",
        "Bron ungdomsförening",
        "Zeta nätverket",
    ]
    assert not any(sel for _pk, sel, _name in options)

    client.post(
        reverse("consultations:comment_create", kwargs={"slug": consultation.slug}),
        {"text": "Vi saknar barnperspektivet.", "organisation": setting["zeta"].pk, "section": ""},
    )
    assert Comment.objects.get().organisation == setting["zeta"]
    body = client.get(consultation.get_absolute_url()).content.decode()
    options = _options(body)
    assert [name for _pk, sel, name in options if sel] == ["Zeta nätverket"]
    assert "Välj en organisation" not in [name for _pk, _sel, name in options]


def test_comment_for_an_uninvited_organisation_is_refused(client, setting):
    consultation = setting["consultation"]
    client.force_login(setting["person"])
    response = client.post(
        reverse("consultations:comment_create", kwargs={"slug": consultation.slug}),
        {"text": "Fel organisation.", "organisation": setting["alfa"].pk, "section": ""},
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()
