"""Copies of organisation-level messages to an organisation's contact address.

These tests use the real organisations app (its directory, events and templates): the copy is a
cross-app feature, and what matters is what the organisation's inbox receives.
"""

from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import translation

from consultations import notifications as consultation_events
from notifications import registry, services
from notifications.models import Delivery, OrganisationContact, Outbox
from notifications.tokens import make_organisation_unsubscribe_token
from organisations import notifications as organisation_events
from tests.factories import ConsultationFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.notifications.helpers import log_in

pytestmark = pytest.mark.django_db

CONTACT = "kansli@foreningen.example.org"


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Föreningen Bron", public_email=CONTACT)


@pytest.fixture
def admin(organisation):
    user = UserFactory(email="ordforande@example.org", preferred_language="en")
    MembershipFactory(user=user, organisation=organisation, role="admin")
    return user


def switch_on(organisation, admin, language="sv"):
    return services.organisation_contact_set(
        actor=admin, organisation_id=organisation.pk, enabled=True, language=language
    )


def to(mailoutbox, address):
    return [message for message in mailoutbox if message.to == [address]]


def test_organisation_level_events_are_marked_in_the_registry():
    level = {et.key for et in registry.all_event_types() if et.organisation_level}
    assert {
        "consultations.opened",
        "consultations.closing_soon",
        "consultations.response_submitted",
        "meetings.invited",
        "meetings.reminder",
        "organisations.organisation_approved",
    } <= level
    assert "consultations.comment_replied" not in level  # personal, not the organisation's
    with pytest.raises(ValueError):
        registry.EventType(key="x.y", verbose_name="x", recipients=lambda o, c: [], organisation_level=True)


def test_nothing_goes_to_the_contact_address_unless_an_admin_switched_it_on(
    organisation, admin, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        organisation_events.organisation_approved(organisation)
    assert [m.to for m in mailoutbox] == [[admin.email]]
    assert not Delivery.objects.exclude(address="").exists()


def test_a_copy_goes_to_the_contact_address_once_in_swedish_with_its_own_unsubscribe(
    organisation, admin, django_capture_on_commit_callbacks, mailoutbox, client
):
    switch_on(organisation, admin)
    with django_capture_on_commit_callbacks(execute=True):
        organisation_events.organisation_approved(organisation)
        organisation_events.organisation_approved(organisation)  # a repeat sends nothing twice

    (own,) = to(mailoutbox, admin.email)
    (copy,) = to(mailoutbox, CONTACT)
    assert "approved" in own.subject  # the admin reads English
    assert "godkänts" in copy.subject  # the organisation's copy: Swedish by default
    assert "Föreningen Bron" in copy.body
    assert "kontaktadress" in copy.body
    delivery = Delivery.objects.get(address=CONTACT)
    assert delivery.recipient is None and delivery.status == Delivery.Status.SENT
    assert services.delivery_send(delivery_id=delivery.pk).status == "not-pending"

    # The unsubscribe link turns the copies off for this organisation, by POST only.
    assert copy.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = urlsplit(copy.extra_headers["List-Unsubscribe"].strip("<>")).path
    assert path.startswith("/notiser/avregistrera-organisation/")
    response = client.get(path)
    assert response.status_code == 200 and "Föreningen Bron" in response.text
    assert OrganisationContact.objects.get(organisation_id=organisation.pk).enabled
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "skickas inte längre" in response.text
    assert not OrganisationContact.objects.get(organisation_id=organisation.pk).enabled

    mailoutbox.clear()
    consultation = ConsultationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        consultation_events.consultation_opened(consultation)
    assert to(mailoutbox, CONTACT) == []
    assert to(mailoutbox, admin.email)


def test_a_pending_copy_is_skipped_when_the_setting_is_turned_off_before_sending(organisation, admin):
    switch_on(organisation, admin)
    organisation_events.organisation_approved(organisation)  # no commit callbacks: not sent yet
    services.organisation_contact_unsubscribe(organisation_id=organisation.pk)
    delivery = Delivery.objects.get(address=CONTACT)
    assert services.delivery_send(delivery_id=delivery.pk).status == "skipped"
    delivery.refresh_from_db()
    assert "turned off" in delivery.last_error


def test_the_copy_is_written_in_the_language_the_organisation_chose(
    organisation, admin, django_capture_on_commit_callbacks, mailoutbox
):
    switch_on(organisation, admin, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        organisation_events.organisation_approved(organisation)
    (copy,) = to(mailoutbox, CONTACT)
    assert "approved" in copy.subject
    assert "contact address of Föreningen Bron" in copy.body


def test_one_copy_per_address_and_none_to_an_address_that_is_already_a_recipient(
    organisation, admin, django_capture_on_commit_callbacks, mailoutbox
):
    sister = OrganisationFactory(name="Systerföreningen", public_email=CONTACT.upper())
    MembershipFactory(user=UserFactory(), organisation=sister, role="admin")
    own_address = OrganisationFactory(name="Enmansföreningen", public_email="ensam@example.org")
    MembershipFactory(user=UserFactory(email="ensam@example.org"), organisation=own_address, role="admin")
    for org in (organisation, sister, own_address):
        switch_on(org, admin)
    consultation = ConsultationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        consultation_events.consultation_opened(consultation)
    assert len(to(mailoutbox, CONTACT)) == 1  # two organisations share it (in any case): one e-mail
    assert len(to(mailoutbox, "ensam@example.org")) == 1  # the member's own e-mail, no second copy
    assert Delivery.objects.exclude(address="").count() == 1


def test_a_deferred_event_also_makes_the_copies(
    organisation, admin, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.NOTIFICATIONS_INLINE_MAX_RECIPIENTS = 0
    switch_on(organisation, admin)
    consultation = ConsultationFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = consultation_events.consultation_closing_soon(consultation, days=2)
    assert result.deferred
    assert Outbox.objects.get(event="consultations.closing_soon").organisation_ids == [organisation.pk]
    assert not Delivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert len(to(mailoutbox, CONTACT)) == 1
    assert len(to(mailoutbox, admin.email)) == 1


# --- The settings page ----------------------------------------------------------------------------


def test_an_admin_switches_the_copies_on_from_a_page_linked_from_the_preferences(organisation, admin, client):
    log_in(client, admin)
    with translation.override("sv"):
        preferences = client.get(reverse("notifications:preferences"))
        url = reverse("notifications:organisation_contact", kwargs={"organisation_id": organisation.pk})
    assert f'href="{url}"' in preferences.text
    page = client.get(url)
    assert page.status_code == 200
    assert CONTACT in page.text
    assert 'name="enabled"' in page.text and 'value="sv" id="id_language_0" checked' in page.text

    response = client.post(url, {"enabled": "on", "language": "en"}, follow=True)
    assert response.status_code == 200
    assert "Inställningen för Föreningen Bron är sparad" in response.text
    setting = OrganisationContact.objects.get(organisation_id=organisation.pk)
    assert (setting.enabled, setting.language, setting.updated_by) == (True, "en", admin)

    client.post(url, {"language": "sv"})  # an unticked box switches it off
    assert not OrganisationContact.objects.get(organisation_id=organisation.pk).enabled

    response = client.post(url, {"enabled": "on", "language": "xx"})
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.text


@pytest.mark.parametrize("who", ["member", "other_admin", "ended_admin", "coordinator"])
def test_only_the_organisations_admins_may_open_or_change_the_setting(organisation, client, who):
    user = UserFactory()
    if who == "member":
        MembershipFactory(user=user, organisation=organisation, role="member")
    elif who == "other_admin":
        MembershipFactory(user=user, organisation=OrganisationFactory(), role="admin")
    elif who == "ended_admin":
        from django.utils import timezone

        MembershipFactory(user=user, organisation=organisation, role="admin", ended=timezone.now())
    else:
        user.is_staff = True
        user.save()
    log_in(client, user)
    url = reverse("notifications:organisation_contact", kwargs={"organisation_id": organisation.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"enabled": "on", "language": "sv"}).status_code == 404
    assert not OrganisationContact.objects.exists()
    assert url not in client.get(reverse("notifications:preferences")).text


def test_the_page_needs_a_login_and_an_unknown_organisation_is_404(organisation, admin, client):
    url = reverse("notifications:organisation_contact", kwargs={"organisation_id": organisation.pk})
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    log_in(client, admin)
    missing = reverse("notifications:organisation_contact", kwargs={"organisation_id": organisation.pk + 999})
    assert client.get(missing).status_code == 404


def test_a_forged_organisation_unsubscribe_token_changes_nothing(organisation, admin, client):
    switch_on(organisation, admin)
    forged = signing.dumps(["org", organisation.pk], salt="something else")
    url = reverse("notifications:organisation_unsubscribe", kwargs={"token": forged})
    assert client.post(url).status_code == 400
    # A user's own unsubscribe token is not accepted here either.
    from notifications.tokens import make_unsubscribe_token

    url = reverse(
        "notifications:organisation_unsubscribe", kwargs={"token": make_unsubscribe_token(admin.pk, "x.y")}
    )
    assert client.post(url).status_code == 400
    assert OrganisationContact.objects.get(organisation_id=organisation.pk).enabled
    good = make_organisation_unsubscribe_token(organisation.pk)
    assert (
        client.post(reverse("notifications:organisation_unsubscribe", kwargs={"token": good})).status_code
        == 200
    )
    assert not OrganisationContact.objects.get(organisation_id=organisation.pk).enabled
