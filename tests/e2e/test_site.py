"""The foundation in a real browser: languages, sign-up with the e-mail link, log in, contact form,
and axe on the main pages in both languages."""

import pytest
from django.core.management import call_command

from portal.models import ContactFormPage, ContentPage
from tests.e2e.helpers import assert_no_axe_violations, first_link, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def seeded(django_db_blocker):
    call_command("seed_demo", verbosity=0)


def test_home_in_swedish_then_english_via_the_switch(seeded, live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("link", name="Hoppa till innehållet").count() == 1
    page.get_by_role("navigation", name="Språk").get_by_role("link", name="English").click()
    page.wait_for_url(f"{live_server.url}/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("navigation", name="Language").get_by_role("link", name="Svenska").count() == 1
    assert page.locator("main h1").inner_text().strip()


def test_sign_up_verify_by_email_link_log_out_and_in(seeded, live_server, page, mailoutbox):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Ditt namn").fill("Leila Ahmadi")
    page.get_by_label("E-post").fill("leila@example.org")
    page.get_by_label("Lösenord:", exact=True).fill("ett-riktigt-bra-losenord")
    page.get_by_label("Lösenord (igen)").fill("ett-riktigt-bra-losenord")
    page.get_by_label("Jag har läst integritetsvillkoren och godkänner dem.").check()
    page.get_by_role("button", name="Skapa konto").click()
    page.wait_for_load_state()
    assert "Bekräfta" in page.content() or "verifier" in page.content().lower()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["leila@example.org"]
    page.goto(first_link(mailoutbox[0].body))
    page.get_by_role("button", name="Bekräfta").click()
    page.wait_for_load_state()
    account = page.get_by_role("navigation", name="Konto")
    assert account.get_by_text("Leila Ahmadi").count() == 1

    account.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()
    assert page.get_by_role("navigation", name="Konto").get_by_role("link", name="Logga in").count() == 1

    login(page, live_server, "leila@example.org", "ett-riktigt-bra-losenord")
    assert page.get_by_role("navigation", name="Konto").get_by_text("Leila Ahmadi").count() == 1


def test_contact_form_is_sent_to_the_coordinators(seeded, live_server, page, mailoutbox):
    contact = ContactFormPage.objects.live().filter(locale__language_code="sv").first()
    page.goto(live_server.url + contact.url)
    form = page.locator("main form")
    # Fill the fields a person sees by their labels; the honeypot stays empty, as a person leaves it.
    form.get_by_label("Namn", exact=True).fill("Besökare Exempelsson")
    form.get_by_label("E-postadress").fill("besokare@example.org")
    form.get_by_label("Meddelande").fill("Hej! Vi vill veta mer om referensgruppen.")
    form.get_by_role("button", name="Skicka").click()
    page.wait_for_load_state()
    assert "Tack" in page.locator("main").inner_text()
    assert len(mailoutbox) == 1
    assert "Vi vill veta mer om referensgruppen" in mailoutbox[0].body
    assert contact.get_submission_class().objects.filter(page=contact).count() == 1


@pytest.mark.parametrize("language", ["sv", "en"])
def test_zero_axe_violations_on_main_pages(seeded, live_server, page, language):
    prefix = "" if language == "sv" else "/en"
    content = ContentPage.objects.live().filter(locale__language_code=language).first()
    urls = {
        "home": f"{prefix}/",
        "content page": content.url,
        "log in": f"{prefix}/accounts/login/",
        "sign up": f"{prefix}/accounts/signup/",
        "search": f"{prefix}/search/?q=rasism",
    }
    for label, url in urls.items():
        page.goto(live_server.url + url)
        assert page.locator("html").get_attribute("lang") == language
        assert_no_axe_violations(page, f"{label} ({language})")
