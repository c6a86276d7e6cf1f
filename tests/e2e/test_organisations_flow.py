"""The organisation journey in a real browser: sign up → register an organisation → a coordinator with
two-factor approves it → its admin invites a second person → that person joins → the directory shows the
organisation, in Swedish and English, with axe on every organisation page on the way."""

import pytest
from django.core.management import call_command

from organisations.models import Membership, Organisation
from tests.e2e.helpers import assert_no_axe_violations, first_link, login
from tests.factories import add_totp, coordinator, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "ett-riktigt-bra-losenord"


@pytest.fixture
def seeded(django_db_blocker):
    call_command("seed_demo", verbosity=0)


def sign_up(page, live_server, mailoutbox, *, name, email, prefix=""):
    """Sign up through allauth's form and confirm the address with the link from the e-mail."""
    sent_before = len(mailoutbox)
    page.goto(f"{live_server.url}{prefix}/accounts/signup/")
    page.locator("input[name=display_name]").fill(name)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("input[name=accept_privacy]").check()
    page.locator("input[name=password2]").press("Enter")
    page.wait_for_load_state()
    confirmation = mailoutbox[sent_before:]
    assert confirmation and confirmation[-1].to == [email]
    page.goto(first_link(confirmation[-1].body))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def log_out(page):
    page.context.clear_cookies()


def test_register_approve_invite_join_directory(seeded, live_server, page, mailoutbox, settings):
    url = live_server.url
    settings.SITE_URL = url  # links in e-mails point at the test server
    coordinator_user = coordinator(
        "e2e-samordnare@example.org", totp=False, display_name="Cecilia Samordnare"
    )
    secret = add_totp(coordinator_user)

    # 1. A new person signs up (Swedish) and registers an organisation.
    sign_up(page, live_server, mailoutbox, name="Leila Ahmadi", email="leila@example.org")
    page.goto(f"{url}/organisationer/registrera/")
    assert_no_axe_violations(page, "register (sv)")
    page.get_by_label("Organisationens namn").fill("Föreningen Ljusglimt")
    page.get_by_label("Organisationsnummer (frivilligt)").fill("556036-0794")  # wrong check digit
    page.get_by_label("Typ av organisation").select_option("ideell_forening")
    page.get_by_label("Barn och unga").check()
    page.get_by_label("Visa organisationen i den offentliga förteckningen").check()
    page.get_by_role("button", name="Skicka ansökan").click()
    page.wait_for_load_state()
    org_number = page.get_by_label("Organisationsnummer (frivilligt)")
    assert org_number.get_attribute("aria-invalid") == "true"
    assert "NNNNNN-NNNN" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "register with errors (sv)")
    assert not Organisation.objects.filter(name="Föreningen Ljusglimt").exists()
    org_number.fill("556036-0793")
    page.get_by_role("button", name="Skicka ansökan").click()
    page.wait_for_url(f"{url}/organisationer/mina/")
    main = page.locator("main").inner_text()
    assert "Föreningen Ljusglimt" in main and "väntar på godkännande" in main
    assert_no_axe_violations(page, "my organisations, pending (sv)")
    organisation = Organisation.objects.get(name="Föreningen Ljusglimt")
    assert any("Föreningen Ljusglimt" in m.subject for m in mailoutbox)

    # 2. A coordinator logs in with two-factor and approves it.
    log_out(page)
    login(page, live_server, "e2e-samordnare@example.org", "correct-horse-battery")
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state()
    page.goto(f"{url}/organisationer/samordning/")
    assert_no_axe_violations(page, "coordinator queue")
    page.get_by_role("link", name="Föreningen Ljusglimt").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page, "application")
    page.get_by_role("button", name="Godkänn organisationen").click()
    page.wait_for_load_state()
    assert "har godkänts" in page.locator("main").inner_text()
    organisation.refresh_from_db()
    assert organisation.status == "approved"
    approval = [m for m in mailoutbox if m.to == ["leila@example.org"] and "godkänts" in m.subject]
    assert approval

    # 3. The organisation's admin invites a second person.
    log_out(page)
    login(page, live_server, "leila@example.org", PASSWORD)
    page.goto(f"{url}/organisationer/{organisation.slug}/installningar/")
    assert_no_axe_violations(page, "settings")
    page.get_by_label("E-postadress (obligatoriskt)").fill("jonas@example.org")
    page.get_by_role("button", name="Skicka inbjudan").click()
    page.wait_for_load_state()
    assert "jonas@example.org" in page.locator("main").inner_text()
    invitation_mail = next(m for m in mailoutbox if m.to == ["jonas@example.org"])
    invitation_link = first_link(invitation_mail.body)

    # 4. The invitee signs up (in English) and joins.
    log_out(page)
    sign_up(page, live_server, mailoutbox, name="Jonas Berg", email="jonas@example.org", prefix="/en")
    assert invitation_link.startswith(f"{url}/organisationer/inbjudan/")  # no account yet: Swedish
    page.goto(invitation_link.replace(f"{url}/organisationer/", f"{url}/en/organisationer/"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert_no_axe_violations(page, "invitation (en)")
    page.get_by_role("button", name="Accept the invitation").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Welcome to Föreningen Ljusglimt" in main
    assert_no_axe_violations(page, "my organisations (en)")
    assert (
        Membership.objects.active()
        .filter(user__email="jonas@example.org", organisation=organisation)
        .exists()
    )

    # 5. The directory shows it, in both languages; the profile shows no member names.
    for prefix, heading in [("", "Medlemsorganisationer"), ("/en", "Member organisations")]:
        page.goto(f"{url}{prefix}/organisationer/")
        assert heading in page.locator("main h1").inner_text()
        assert page.get_by_role("link", name="Föreningen Ljusglimt").count() == 1
        assert_no_axe_violations(page, f"directory {prefix or '/'}")
        page.get_by_role("link", name="Föreningen Ljusglimt").click()
        page.wait_for_load_state()
        profile = page.locator("main").inner_text()
        assert "Leila Ahmadi" not in profile and "Jonas Berg" not in profile
        assert_no_axe_violations(page, f"profile {prefix or '/'}")
