"""A member writes a comment, their session ends before they send it, and after logging in again through
the real form the text is back in the comment form with a message saying so; sending it publishes it."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from playwright.sync_api import expect

from consultations.models import Comment
from tests.e2e.helpers import assert_no_axe_violations, login
from tests.factories import ConsultationFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"
TEXT = "Vi vill att skolorna får stöd att prata om antiziganism. Jag skrev det här länge."


def test_a_comment_written_while_the_session_ended_is_offered_after_log_in(page, live_server):
    organisation = OrganisationFactory(name="Alfa mot rasism")
    user = UserFactory(email="medlem-e2e@example.org", password=PASSWORD, display_name="Mira Medlem")
    MembershipFactory(organisation=organisation, user=user, role="member")
    consultation = ConsultationFactory(title="Samråd om skolan", sections=1)

    login(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}{consultation.get_absolute_url()}")
    form = page.locator("form.comment-form").first
    form.locator("textarea[name=text]").fill(TEXT)

    # The session ends on the server while the text is being written (as after SESSION_COOKIE_AGE).
    Session.objects.all().delete()
    cache.clear()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert not Comment.objects.exists()

    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()

    expect(page.locator("h1")).to_have_text("Skicka din kommentar igen")
    expect(page.get_by_text("Vi har sparat din text")).to_be_visible()
    expect(page.locator("textarea[name=text]")).to_have_value(TEXT)
    assert_no_axe_violations(page, "the kept comment form")

    page.locator("form.comment-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Din kommentar är publicerad.")).to_be_visible()
    comment = Comment.objects.get()
    assert comment.text == TEXT
    assert comment.section == consultation.sections.first()
    expect(page.get_by_text(TEXT)).to_be_visible()
