"""Issue 19, defect 1: a minutes-review comment is signed for the organisation the person took part
for, never for another of their organisations (such as the first by name)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services
from meetings.models import MinutesComment
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MeetingInvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    coordinator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    """An admin of three organisations; only Bron and Zeta are invited, Lika Värde (first by name) not."""
    person = UserFactory(display_name="Pia Tre")
    lika = OrganisationFactory(name="Stiftelsen Lika Värde")
    bron = OrganisationFactory(name="Ungdomsföreningen Bron")
    zeta = OrganisationFactory(name="Zeta nätverket")
    for org in (lika, bron, zeta):
        MembershipFactory(user=person, organisation=org, role="admin")
    meeting = MeetingFactory(invite_all_approved=False, title="Möte om barn och unga")
    for org in (bron, zeta):
        MeetingInvitationFactory(meeting=meeting, organisation=org)
    AgendaItemFactory(meeting=meeting, title="Inledning")
    coord = coordinator()
    services.meeting_mark_held(actor=coord, meeting=meeting)
    return {"person": person, "lika": lika, "bron": bron, "zeta": zeta, "meeting": meeting, "coord": coord}


def _review(s, *, organisations):
    meeting = s["meeting"]
    services.attendance_record(actor=s["coord"], meeting=meeting, organisations=organisations)
    minutes = services.minutes_start(actor=s["coord"], meeting=meeting)
    services.minutes_send_for_review(actor=s["coord"], minutes=minutes, days=7)
    return minutes


def test_comment_is_signed_for_the_organisation_that_attended(setting):
    minutes = _review(setting, organisations=[setting["bron"]])
    comment = services.minutes_comment_add(user=setting["person"], minutes=minutes, text="Punkt 1 saknas.")
    assert comment.organisation == setting["bron"]


def test_several_attending_organisations_the_person_chooses_then_the_last_one_is_kept(setting):
    minutes = _review(setting, organisations=[setting["bron"], setting["zeta"]])
    person = setting["person"]
    with pytest.raises(ValidationError):
        services.minutes_comment_add(user=person, minutes=minutes, text="Vem talar jag för?")
    with pytest.raises(ValidationError):
        services.minutes_comment_add(user=person, minutes=minutes, text="x", organisation=setting["lika"])
    first = services.minutes_comment_add(user=person, minutes=minutes, text="a", organisation=setting["zeta"])
    second = services.minutes_comment_add(user=person, minutes=minutes, text="b")
    assert (first.organisation, second.organisation) == (setting["zeta"], setting["zeta"])
    assert not MinutesComment.objects.filter(organisation=setting["lika"]).exists()


def test_review_form_offers_only_the_attending_organisations_and_stores_the_choice(client, setting):
    minutes = _review(setting, organisations=[setting["bron"], setting["zeta"]])
    client.force_login(setting["person"])
    url = reverse("meetings:minutes_review", kwargs={"pk": setting["meeting"].pk})
    body = client.get(url).content.decode()
    assert "Talar för" in body
    assert "Ungdomsföreningen Bron" in body and "Zeta nätverket" in body
    assert "Stiftelsen Lika Värde" not in body
    response = client.post(url, {"text": "Fel datum.", "organisation": setting["lika"].pk})
    assert response.status_code == 400
    client.post(url, {"text": "Fel datum.", "organisation": setting["bron"].pk})
    assert minutes.comments.get().organisation == setting["bron"]
    body = client.get(url).content.decode()
    assert "Pia Tre, Ungdomsföreningen Bron" in body


def test_one_attending_organisation_needs_no_choice(client, setting):
    _review(setting, organisations=[setting["bron"]])
    client.force_login(setting["person"])
    url = reverse("meetings:minutes_review", kwargs={"pk": setting["meeting"].pk})
    body = client.get(url).content.decode()
    assert "Du skriver som Pia Tre, Ungdomsföreningen Bron." in body
    client.post(url, {"text": "Bra protokoll."})
    assert MinutesComment.objects.get().organisation == setting["bron"]
