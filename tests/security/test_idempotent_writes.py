"""A create form sent twice stores once (portal/idempotency.py): the key the form carries is unique in
the database, so a double click, a retry after an error page, or two requests at the same moment store
one row, and the repeats are sent where the first one went, with the same message."""

import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations.models import Comment
from portal.idempotency import FIELD_NAME
from portal.models import IdempotencyKey
from tests.factories import ConsultationFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

KEY_RE = re.compile(rf'name="{FIELD_NAME}" value="([^"]+)"')


def form_key(client, url) -> str:
    """The key of the first form with one on the page, as the browser would send it."""
    page = client.get(url)
    assert page.status_code == 200, url
    match = KEY_RE.search(page.content.decode())
    assert match, f"no {FIELD_NAME} on {url}"
    return match.group(1)


@pytest.fixture
def member_world():
    organisation = OrganisationFactory(name="Alfa mot rasism")
    member = MembershipFactory(organisation=organisation, role="member").user
    consultation = ConsultationFactory(title="Öppet samråd", sections=1)
    client = Client()
    client.force_login(member)
    return {"organisation": organisation, "member": member, "consultation": consultation, "client": client}


def _comment_data(world, key, text="Vi saknar ett avsnitt om skolan."):
    return {
        FIELD_NAME: key,
        "text": text,
        "organisation": world["organisation"].pk,
        "section": str(world["consultation"].sections.first().key),
    }


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_twenty_identical_comment_posts_store_one_comment(member_world):
    client, consultation = member_world["client"], member_world["consultation"]
    key = form_key(client, consultation.get_absolute_url())
    url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    answers, shown = [], []
    for _ in range(20):
        answers.append(client.post(url, _comment_data(member_world, key)))
        # Every repeat says what the first said, so nobody is tempted to send it once more.
        shown.append(_messages(client.get(answers[-1]["Location"])))

    assert Comment.objects.filter(consultation=consultation).count() == 1
    comment = Comment.objects.get(consultation=consultation)
    assert {a.status_code for a in answers} == {302}
    assert {a["Location"] for a in answers} == {f"{consultation.get_absolute_url()}#{comment.anchor}"}
    assert shown == [["Din kommentar är publicerad."]] * 20
    assert IdempotencyKey.objects.filter(key=key).count() == 1


def test_a_new_form_and_other_text_with_the_same_key_are_new_comments(member_world):
    client, consultation = member_world["client"], member_world["consultation"]
    url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    first = form_key(client, consultation.get_absolute_url())
    second = form_key(client, consultation.get_absolute_url())
    assert first != second  # a new key at every render
    client.post(url, _comment_data(member_world, first))
    client.post(url, _comment_data(member_world, second))
    # Back, text changed, sent again: the same key, but not the same submission.
    client.post(url, _comment_data(member_world, first, text="Och ett om fritiden."))
    assert sorted(Comment.objects.values_list("text", flat=True)) == [
        "Och ett om fritiden.",
        "Vi saknar ett avsnitt om skolan.",
        "Vi saknar ett avsnitt om skolan.",
    ]


def test_a_form_with_errors_releases_its_key(member_world):
    client, consultation = member_world["client"], member_world["consultation"]
    key = form_key(client, consultation.get_absolute_url())
    url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    refused = client.post(url, _comment_data(member_world, key, text="   "))
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.filter(key=key).exists()
    client.post(url, _comment_data(member_world, key, text="Nu med text."))
    client.post(url, _comment_data(member_world, key, text="Nu med text."))
    assert list(Comment.objects.values_list("text", flat=True)) == ["Nu med text."]


def test_another_person_with_the_same_key_is_not_a_repeat(member_world):
    consultation = member_world["consultation"]
    key = form_key(member_world["client"], consultation.get_absolute_url())
    other = Client()
    other.force_login(MembershipFactory(organisation=member_world["organisation"], role="member").user)
    url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    member_world["client"].post(url, _comment_data(member_world, key))
    other.post(url, _comment_data(member_world, key))
    assert Comment.objects.count() == 2


def test_invitation_organisation_registration_and_response_submit_store_once(
    member_world, mailoutbox, django_capture_on_commit_callbacks
):
    from consultations import services as consultation_services
    from organisations.models import Invitation, Organisation

    organisation = member_world["organisation"]
    admin = MembershipFactory(organisation=organisation, role="admin").user
    client = Client()
    client.force_login(admin)

    # An invitation (the form on the settings page).
    key = form_key(client, reverse("organisations:invite", kwargs={"slug": organisation.slug}))
    url = reverse("organisations:invite", kwargs={"slug": organisation.slug})
    data = {FIELD_NAME: key, "invite-email": "ny@example.org", "invite-role": "member"}
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url, data) for _ in range(3)]
    assert Invitation.objects.filter(organisation=organisation, email="ny@example.org").count() == 1
    assert {a.status_code for a in answers} == {302}
    assert len([m for m in mailoutbox if "ny@example.org" in m.to]) == 1

    # The formal response: submitted twice, one version, both to the receipt.
    consultation = member_world["consultation"]
    response = consultation_services.response_for(consultation=consultation, organisation=organisation)
    response = consultation_services.response_save_draft(
        response=response, user=admin, revision=response.revision, text="Vårt svar."
    )
    submit_url = reverse("consultations:response_submit", kwargs={"slug": consultation.slug})
    key = form_key(client, f"{submit_url}?organisation={organisation.pk}")
    data = {FIELD_NAME: key, "revision": response.revision, "confirm": "on", "organisation": organisation.pk}
    answers = [client.post(f"{submit_url}?organisation={organisation.pk}", data) for _ in range(3)]
    assert response.versions.count() == 1
    assert {a["Location"] for a in answers} == {response.versions.get().get_receipt_url()}

    # Registering an organisation (needs a verified address: the factory's user has one).
    applicant = UserFactory()
    client = Client()
    client.force_login(applicant)
    register_url = reverse("organisations:register")
    key = form_key(client, register_url)
    page = client.get(register_url).content.decode()
    assert FIELD_NAME in page
    from tests.organisations.test_views import form_data  # the form as a person fills it

    data = {**form_data(), FIELD_NAME: key}
    answers = [client.post(register_url, data) for _ in range(3)]
    assert {a.status_code for a in answers} == {302}, [a.status_code for a in answers]
    assert Organisation.objects.filter(name=data["name"]).count() == 1


def test_contact_form_sent_twice_is_stored_and_emailed_once(mailoutbox, django_capture_on_commit_callbacks):
    from wagtail.contrib.forms.models import FormSubmission

    from portal.models import ContactFormField, ContactFormPage
    from tests.factories import add_page, site_home
    from tests.portal.test_contact_form import _data

    page = ContactFormPage(title="Kontakt", slug="kontakt", thank_you_text="<p>Tack, vi hör av oss.</p>")
    page.form_fields = [
        ContactFormField(label="Namn", field_type="singleline", required=True),
        ContactFormField(label="E-post", field_type="email", required=True),
        ContactFormField(label="Meddelande", field_type="multiline", required=True),
    ]
    page = add_page(site_home(), page)
    client = Client()
    key = form_key(client, "/kontakt/")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post("/kontakt/", {**_data(page), FIELD_NAME: key}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all("Tack, vi hör av oss." in a.content.decode() for a in answers)
    assert FormSubmission.objects.filter(page=page).count() == 1
    assert len(mailoutbox) == 1


def test_action_item_and_minutes_review_comment_store_once():
    from meetings import services as meeting_services
    from meetings.models import ActionItem, Minutes, MinutesComment
    from tests.factories import MeetingFactory, coordinator

    coord = coordinator("samordnare-idem@example.org")
    organisation = OrganisationFactory(name="Gamma")
    member = MembershipFactory(organisation=organisation, role="member").user
    meeting = MeetingFactory(
        start=timezone.now() - timezone.timedelta(days=2),
        end=timezone.now() - timezone.timedelta(days=2, hours=-2),
        state="held",
    )
    minutes = Minutes.objects.create(meeting=meeting, introduction="Mötet öppnades.")
    client = Client()
    client.force_login(coord)
    url = reverse("workspace_meeting_minutes", kwargs={"pk": meeting.pk})
    page = client.get(url).content.decode()
    keys = KEY_RE.findall(page)
    assert len(keys) >= 2  # the minutes form and the action item form
    data = {
        FIELD_NAME: keys[1],
        "add_action_item": "1",
        "action-description": "Ta fram underlag",
        "action-responsible_organisation": organisation.pk,
    }
    answers = [client.post(url, data) for _ in range(3)]
    assert {a.status_code for a in answers} == {302}, [a.status_code for a in answers]
    assert ActionItem.objects.filter(minutes=minutes, description="Ta fram underlag").count() == 1

    # The minutes out for review: an attendee's comment, sent twice.
    meeting_services.attendance_record(
        actor=coord, meeting=meeting, organisations=[organisation], people=[member]
    )
    meeting_services.minutes_send_for_review(actor=coord, minutes=minutes, days=7)
    reviewer = Client()
    reviewer.force_login(member)
    review_url = reverse("meetings:minutes_review", kwargs={"pk": meeting.pk})
    key = form_key(reviewer, review_url)
    data = {FIELD_NAME: key, "text": "Mitt namn är felstavat."}
    answers = [reviewer.post(review_url, data) for _ in range(3)]
    assert {a.status_code for a in answers} == {302}
    assert MinutesComment.objects.filter(minutes=minutes).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_duplicates_store_once():
    """Eight requests with the same key at the same moment (threads, each with its own database
    connection): the unique constraint makes one of them store, the others get its redirect."""
    organisation = OrganisationFactory(name="Delta")
    member = MembershipFactory(organisation=organisation, role="member").user
    consultation = ConsultationFactory(sections=1)
    client = Client()
    client.force_login(member)
    key = form_key(client, consultation.get_absolute_url())
    url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    data = {
        FIELD_NAME: key,
        "text": "Samtidigt skickad.",
        "organisation": organisation.pk,
        "section": str(consultation.sections.first().key),
    }
    cookies = client.cookies
    barrier = threading.Barrier(8)
    answers, errors = [], []

    def post():
        try:
            mine = Client()
            mine.cookies = cookies
            barrier.wait(timeout=30)
            answers.append(mine.post(url, data))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert Comment.objects.filter(consultation=consultation).count() == 1
    comment = Comment.objects.get(consultation=consultation)
    assert [a.status_code for a in answers] == [302] * 8
    assert {a["Location"] for a in answers} == {f"{consultation.get_absolute_url()}#{comment.anchor}"}


def test_old_keys_are_purged_by_the_retention_run(member_world):
    from privacy.services import apply_retention

    client, consultation = member_world["client"], member_world["consultation"]
    key = form_key(client, consultation.get_absolute_url())
    url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    client.post(url, _comment_data(member_world, key))
    assert IdempotencyKey.objects.count() == 1
    result = apply_retention(now=timezone.now() + timezone.timedelta(hours=1))
    assert result["idempotency_keys_deleted"] == 0
    result = apply_retention(now=timezone.now() + timezone.timedelta(hours=25))
    assert result["idempotency_keys_deleted"] == 1
    assert not IdempotencyKey.objects.exists()
