import pytest
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from portal.models import ContactFormField, ContactFormPage, SiteSettings
from portal.models.pages import CONTACT_RATE_LIMIT
from tests.factories import add_page, site_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact_page():
    home = site_home()
    page = ContactFormPage(
        title="Kontakt", slug="kontakt", thank_you_text="<p>Tack, vi hör av oss inom en vecka.</p>"
    )
    page.form_fields = [
        ContactFormField(label="Namn", field_type="singleline", required=True),
        ContactFormField(label="E-post", field_type="email", required=True),
        ContactFormField(label="Meddelande", field_type="multiline", required=True),
    ]
    return add_page(home, page)


@pytest.fixture
def site_contact(contact_page):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.contact_email = "samordnare@stockholm.example"
    site_settings.save()
    return site_settings


def _data(page, **overrides):
    """Form data keyed by field label (as the editor wrote it) turned into the form's field names."""
    values = {
        "Namn": "Amina Exempel",
        "E-post": "amina@example.org",
        "Meddelande": "Hur går man med i referensgruppen?",
        "website": "",
        **overrides,
    }
    names = {field.label: field.clean_name for field in page.form_fields.all()}
    return {names.get(label, label): value for label, value in values.items()}


def test_valid_post_stores_submission_and_emails_the_coordinators_once(
    client, contact_page, site_contact, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/kontakt/", _data(contact_page))

    assert response.status_code == 200
    assert "Tack, vi hör av oss inom en vecka." in response.content.decode()
    submission = FormSubmission.objects.get(page=contact_page)
    assert "Hur går man med i referensgruppen?" in submission.form_data.values()
    assert "website" not in submission.form_data
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["samordnare@stockholm.example"]
    assert message.reply_to == ["amina@example.org"]
    assert "Kontakt" in message.subject
    assert "Hur går man med i referensgruppen?" in message.body
    assert "Amina Exempel" in message.body


def test_email_is_sent_only_after_commit(
    client, contact_page, site_contact, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/kontakt/", _data(contact_page))
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_recipients_fall_back_to_coordinator_emails_and_the_page_address_wins(contact_page, settings):
    settings.COORDINATOR_EMAILS = ["a@stockholm.example", "b@stockholm.example"]
    assert contact_page.get_recipients() == ["a@stockholm.example", "b@stockholm.example"]
    contact_page.to_address = "kontakt@stockholm.example, chef@stockholm.example"
    assert contact_page.get_recipients() == ["kontakt@stockholm.example", "chef@stockholm.example"]


def test_invalid_post_shows_swedish_errors_and_stores_nothing(
    client, contact_page, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/kontakt/", _data(contact_page, **{"Meddelande": "", "E-post": "inte-en-adress"})
        )

    html = response.content.decode()
    assert "Det här fältet är obligatoriskt" in html  # Wagtail's form builder's own message
    assert "Fyll i en giltig e-postadress." in html
    assert 'aria-invalid="true"' in html
    assert FormSubmission.objects.count() == 0
    assert mailoutbox == []


def test_honeypot_rejects_and_stores_nothing(
    client, contact_page, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/kontakt/", _data(contact_page, website="https://spam.example"))

    assert response.status_code == 200
    assert "Meddelandet kunde inte skickas" in response.content.decode()
    assert FormSubmission.objects.count() == 0
    assert mailoutbox == []


def test_rate_limit_per_address(
    client, contact_page, site_contact, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(CONTACT_RATE_LIMIT):
            assert client.post("/kontakt/", _data(contact_page)).status_code == 200
        response = client.post("/kontakt/", _data(contact_page))

    assert response.status_code == 429
    assert "Vänta tio minuter" in response.content.decode()
    assert FormSubmission.objects.count() == CONTACT_RATE_LIMIT
    assert len(mailoutbox) == CONTACT_RATE_LIMIT

    # Another address is not affected.
    response = client.post("/kontakt/", _data(contact_page), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert FormSubmission.objects.count() == CONTACT_RATE_LIMIT + 1


def test_task_for_a_deleted_submission_sends_nothing(mailoutbox):
    from portal.tasks import send_contact_form_email

    assert send_contact_form_email(987654) == 0
    assert mailoutbox == []
