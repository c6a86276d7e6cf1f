import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SITE_URL = "https://portal.example.org"


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield
