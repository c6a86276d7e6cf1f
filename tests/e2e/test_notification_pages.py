"""The notification pages an organisation admin uses, in the browser, in Swedish and English: the
preferences page, the organisation-copy setting reached from it, and the one-click unsubscribe pages
for the organisation's contact address. Zero axe violations on each."""

import pytest
from django.core.management import call_command

from notifications.models import OrganisationContact
from notifications.tokens import make_organisation_unsubscribe_token
from organisations.models import Organisation
from tests.e2e.helpers import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_organisation_admin_turns_copies_on_and_unsubscribes(live_server, page):
    call_command("seed_demo", verbosity=0)
    organisation = Organisation.objects.filter(
        memberships__user__email="org-admin@example.org",
        memberships__role="admin",
        status=Organisation.Status.APPROVED,
    ).first()
    organisation.public_email = "kansli@likavarde.example.org"
    organisation.save(update_fields=["public_email"])

    login(page, live_server, "org-admin@example.org", "demo-orgadmin-2026")
    page.goto(f"{live_server.url}/notiser/installningar/")
    assert_no_axe_violations(page, "preferences (sv)")
    page.get_by_role("link", name=f"E-post till {organisation.name}").click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text() == f"E-post till {organisation.name}"
    assert "kansli@likavarde.example.org" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "organisation copies (sv)")

    page.get_by_label("Skicka även organisationens meddelanden till organisationens kontaktadress").check()
    page.get_by_label("English").check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert f"Inställningen för {organisation.name} är sparad." in page.locator(".messages").inner_text()
    setting = OrganisationContact.objects.get(organisation_id=organisation.pk)
    assert setting.enabled and setting.language == "en"

    # The English page shows the stored choice.
    page.goto(f"{live_server.url}/en/notiser/organisation/{organisation.pk}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label(
        "Also send organisation messages to the organisation's contact address"
    ).is_checked()
    assert_no_axe_violations(page, "organisation copies (en)")

    # The link in a copy's e-mail: GET only asks, POST turns the copies off. No login needed.
    page.context.clear_cookies()
    token = make_organisation_unsubscribe_token(organisation.pk)
    page.goto(f"{live_server.url}/notiser/avregistrera-organisation/{token}/")
    assert_no_axe_violations(page, "organisation unsubscribe confirm (sv)")
    assert OrganisationContact.objects.get(organisation_id=organisation.pk).enabled
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page, "organisation unsubscribe done (sv)")
    assert not OrganisationContact.objects.get(organisation_id=organisation.pk).enabled
    assert organisation.name in page.locator("main").inner_text()
