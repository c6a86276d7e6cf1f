"""Privacy rights in a real browser: sign up with the consent box, ask for a copy of one's data, download
the ZIP, accept changed terms, delete the account; axe on each new page in Swedish and English."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from tests.e2e.helpers import assert_no_axe_violations, first_link

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "ett-riktigt-bra-losenord"


@pytest.fixture
def seeded(django_db_blocker, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", verbosity=0)


def test_sign_up_export_download_reconsent_and_delete(seeded, live_server, page, mailoutbox, settings):
    from django.contrib.auth import get_user_model

    from portal.models import PrivacyConsent

    # Sign up: the privacy box must be ticked.
    page.goto(f"{live_server.url}/accounts/signup/")
    page.locator("input[name=display_name]").fill("Ylva Integritet")
    page.locator("input[name=email]").fill("ylva@example.org")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name="Skapa konto").click()
    page.wait_for_load_state()
    # The browser stops the form: the box is required, and nothing is created.
    assert page.locator("input[name=accept_privacy]").evaluate("e => e.validity.valueMissing")
    assert not get_user_model().objects.filter(email="ylva@example.org").exists()
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_label("Jag har läst integritetsvillkoren och godkänner dem.").check()
    page.get_by_role("button", name="Skapa konto").click()
    page.wait_for_load_state()
    user = get_user_model().objects.get(email="ylva@example.org")
    assert PrivacyConsent.objects.filter(user=user, version=settings.PRIVACY_TERMS_VERSION).exists()
    page.goto(first_link(mailoutbox[-1].body))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # My data, from the account menu.
    page.get_by_role("navigation", name="Konto").get_by_role("link", name="Mina uppgifter").click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text() == "Mina uppgifter"
    assert_no_axe_violations(page, "My data (sv)")
    page.goto(f"{live_server.url}/en/konto/mina-uppgifter/")
    assert page.locator("main h1").inner_text() == "My data"
    assert_no_axe_violations(page, "My data (en)")

    # Ask for a copy; the task runs after commit (in-process here) and the status page links the file.
    page.goto(f"{live_server.url}/konto/mina-uppgifter/")
    page.get_by_role("button", name="Ta fram en kopia av mina uppgifter").click()
    page.wait_for_load_state()
    download_link = page.get_by_role("link", name="Ladda ner zip-filen")
    download_link.wait_for()
    assert_no_axe_violations(page, "export status (sv)")
    page.goto(page.url.replace(live_server.url, f"{live_server.url}/en"))
    assert page.get_by_role("link", name="Download the ZIP file").count() == 1
    assert_no_axe_violations(page, "export status (en)")
    page.go_back()
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner zip-filen").click()
    archive = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))
    assert json.loads(archive.read("profile.json"))["name"] == "Ylva Integritet"
    assert "index.html" in archive.namelist()
    ready = [m for m in mailoutbox if m.to == ["ylva@example.org"] and "klar" in m.subject]
    assert len(ready) == 1

    # The terms change: the next page asks again, in both languages.
    settings.PRIVACY_TERMS_VERSION = "2099-01-01"
    page.goto(f"{live_server.url}/organisationer/mina/")
    assert "/konto/mina-uppgifter/samtycke/" in page.url
    assert page.locator("main h1").inner_text() == "Integritetsvillkor"
    assert_no_axe_violations(page, "consent (sv)")
    page.goto(f"{live_server.url}/en/konto/mina-uppgifter/samtycke/")
    assert_no_axe_violations(page, "consent (en)")
    page.goto(f"{live_server.url}/konto/mina-uppgifter/samtycke/?next=/organisationer/mina/")
    page.get_by_label("Jag har läst integritetsvillkoren och godkänner dem.").check()
    page.get_by_role("button", name="Godkänn och fortsätt").click()
    page.wait_for_url(f"{live_server.url}/organisationer/mina/")

    # Delete the account.
    page.goto(f"{live_server.url}/en/konto/mina-uppgifter/radera-konto/")
    assert_no_axe_violations(page, "delete account (en)")
    page.goto(f"{live_server.url}/konto/mina-uppgifter/")
    page.get_by_role("link", name="Radera mitt konto").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page, "delete account (sv)")
    page.get_by_label("Ditt lösenord").fill("fel-losenord")
    page.get_by_label("Jag förstår att mitt konto och mina personuppgifter raderas").check()
    page.get_by_role("button", name="Radera mitt konto för gott").click()
    page.wait_for_load_state()
    assert "Lösenordet stämmer inte." in page.content()
    assert_no_axe_violations(page, "delete account with an error (sv)")
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    page.get_by_label("Jag förstår att mitt konto och mina personuppgifter raderas").check()
    page.get_by_role("button", name="Radera mitt konto för gott").click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text() == "Ditt konto är raderat"
    assert_no_axe_violations(page, "account deleted (sv)")
    assert page.get_by_role("navigation", name="Konto").get_by_role("link", name="Logga in").count() == 1
    user.refresh_from_db()
    assert user.deleted_at is not None and user.email == f"deleted-{user.pk}@invalid"
    page.goto(f"{live_server.url}/en/konto/mina-uppgifter/radera-konto/klart/")
    assert_no_axe_violations(page, "account deleted (en)")
