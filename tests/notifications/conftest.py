import pytest
from django.utils import translation

from tests.notifications import helpers


@pytest.fixture(autouse=True)
def test_events(settings):
    """Registers the test-only event types and their templates for every test in this folder."""
    helpers.use_test_templates(settings)
    settings.SITE_URL = "https://portal.example.org"
    settings.NOTIFICATIONS_BATCH_SIZE = 10
    helpers.register_test_events()
    # A request under /en/ leaves English active in this thread; start every test in Swedish.
    with translation.override(settings.LANGUAGE_CODE):
        yield helpers
    helpers.unregister_test_events()
