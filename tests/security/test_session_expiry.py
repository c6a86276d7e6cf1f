"""Text written while the session expired is not lost (portal/kept_drafts.py), and the author opening
the edit page of their own comment after the 15-minute window gets a message, not a 500."""

import html
import re
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.cached_db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations.models import Comment, Response
from portal.models import KeptDraft
from tests.factories import (
    CommentFactory,
    ConsultationFactory,
    GuidingQuestionFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

TEXT = "Skolan behöver fler samtal om rasism – det här skrev jag länge på."
KEPT_MESSAGE = "Du var utloggad när du skickade formuläret, så inget sparades."


@pytest.fixture
def world():
    organisation = OrganisationFactory(name="Alfa mot rasism")
    member = MembershipFactory(organisation=organisation, role="member").user
    admin = MembershipFactory(organisation=organisation, role="admin").user
    consultation = ConsultationFactory(title="Öppet samråd", sections=1)
    question = GuidingQuestionFactory(consultation=consultation, text="Vad saknas?")
    return {
        "organisation": organisation,
        "member": member,
        "admin": admin,
        "consultation": consultation,
        "question": question,
    }


def expired_client(user) -> Client:
    """A browser that was signed in and whose session the server has since forgotten."""
    client = Client()
    client.force_login(user)
    SessionStore(session_key=client.cookies["sessionid"].value).delete()
    return client


def _next_of(response) -> str:
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == reverse("account_login")
    return unquote(parse_qs(location.query)["next"][0])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_comment_sent_after_the_session_ended_is_offered_again_after_log_in(world):
    consultation, organisation = world["consultation"], world["organisation"]
    section = consultation.sections.first()
    client = expired_client(world["member"])
    url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    answer = client.post(url, {"text": TEXT, "organisation": organisation.pk, "section": str(section.key)})
    next_url = _next_of(answer)
    assert not Comment.objects.exists()  # nothing is published in someone's name without a session
    draft = KeptDraft.objects.get()
    assert draft.data["text"] == TEXT and draft.user is None
    assert next_url == f"{url}?kept={draft.token}"

    client.force_login(world["member"])  # the log-in form sends them to `next`
    page = client.get(next_url)
    assert page.status_code == 200
    body = html.unescape(page.content.decode())
    assert TEXT in body
    assert "Skicka din kommentar igen" in body
    assert any(m.startswith(KEPT_MESSAGE) for m in _messages(page)), _messages(page)
    assert KeptDraft.objects.get().user == world["member"]  # claimed: only they see it again

    # Sending the pre-filled form publishes the comment in its section.
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.content.decode()))
    client.post(url, {**fields, "text": TEXT})
    comment = Comment.objects.get()
    assert (comment.text, comment.section, comment.organisation) == (TEXT, section, organisation)


def test_a_kept_comment_is_not_shown_to_anyone_else(world):
    consultation = world["consultation"]
    client = expired_client(world["member"])
    url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    next_url = _next_of(client.post(url, {"text": TEXT, "organisation": world["organisation"].pk}))
    client.force_login(world["member"])
    assert client.get(next_url).status_code == 200
    other = Client()
    other.force_login(world["admin"])
    answer = other.get(next_url)
    assert answer.status_code == 302
    assert answer["Location"] == consultation.get_absolute_url()
    assert TEXT not in other.get(consultation.get_absolute_url()).content.decode()


def test_without_a_session_cookie_nothing_is_kept(world):
    url = reverse("consultations:comment_create", kwargs={"slug": world["consultation"].slug})
    answer = Client().post(url, {"text": TEXT, "organisation": world["organisation"].pk})
    assert _next_of(answer) == url
    assert not KeptDraft.objects.exists()


def test_a_response_draft_sent_after_the_session_ended_is_offered_again(world):
    from consultations import services

    consultation, organisation, question = world["consultation"], world["organisation"], world["question"]
    response = services.response_for(consultation=consultation, organisation=organisation)
    url = reverse("consultations:response", kwargs={"slug": consultation.slug})
    client = expired_client(world["member"])
    answer = client.post(
        f"{url}?organisation={organisation.pk}",
        {
            "organisation": organisation.pk,
            "revision": response.revision,
            "text": TEXT,
            f"answer_{question.pk}": "Ett avsnitt om fritiden.",
            "then": "save",
        },
    )
    next_url = _next_of(answer)
    assert Response.objects.get(pk=response.pk).text == ""
    client.force_login(world["member"])
    page = client.get(next_url)
    assert page.status_code == 200
    body = html.unescape(page.content.decode())
    assert TEXT in body
    assert "Ett avsnitt om fritiden." in body
    assert any(m.startswith(KEPT_MESSAGE) for m in _messages(page))


def test_kept_drafts_are_deleted_by_the_retention_run(world):
    from privacy.services import apply_retention

    client = expired_client(world["member"])
    url = reverse("consultations:comment_create", kwargs={"slug": world["consultation"].slug})
    client.post(url, {"text": TEXT, "organisation": world["organisation"].pk})
    assert apply_retention(now=timezone.now() + timezone.timedelta(hours=2))["kept_drafts_deleted"] == 0
    assert apply_retention(now=timezone.now() + timezone.timedelta(hours=25))["kept_drafts_deleted"] == 1
    assert not KeptDraft.objects.exists()


# --- editing one's own comment after the window (was a 500) -------------------------------------


@pytest.fixture
def old_comment(world):
    comment = CommentFactory(
        consultation=world["consultation"],
        author=world["member"],
        organisation=world["organisation"],
        text="Min gamla kommentar.",
    )
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timezone.timedelta(minutes=16))
    return Comment.objects.get(pk=comment.pk)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", "En kommentar kan bara redigeras inom 15 minuter efter att den skrevs."),
        ("/en", "A comment can only be edited within 15 minutes of writing it."),
    ],
)
def test_the_edit_page_after_the_window_explains_in_the_users_language(world, old_comment, prefix, expected):
    from django.utils import translation

    client = Client()
    client.force_login(world["member"])
    with translation.override("en" if prefix else "sv"):
        url = reverse("consultations:comment_edit", kwargs={"pk": old_comment.pk})
    answer = client.get(url)
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"#{old_comment.anchor}")
    assert _messages(answer) == [expected]
    page = client.get(answer["Location"])
    assert expected in html.unescape(page.content.decode())


def test_saving_after_the_window_is_refused_and_keeps_the_text(world, old_comment):
    client = Client()
    client.force_login(world["member"])
    url = reverse("consultations:comment_edit", kwargs={"pk": old_comment.pk})
    answer = client.post(url, {"text": "Ändrad för sent."})
    assert answer.status_code == 403
    body = html.unescape(answer.content.decode())
    assert "En kommentar kan bara redigeras inom 15 minuter efter att den skrevs." in body
    assert "Ändrad för sent." in body
    assert Comment.objects.get(pk=old_comment.pk).text == "Min gamla kommentar."
