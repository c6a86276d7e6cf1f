from pathlib import Path

import polib
import pytest
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_swedish_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} strings lack Swedish: {missing[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy translations to check: {fuzzy[:20]}"


def test_compiled_catalogue_is_used():
    assert CATALOGUE.with_suffix(".mo").exists(), "run `make compilemessages`"
    with translation.override("sv"):
        assert translation.gettext("Skip to content") == "Hoppa till innehållet"
    with translation.override("en"):
        assert translation.gettext("Skip to content") == "Skip to content"


@pytest.mark.parametrize("path", ["/", "/en/"])
def test_html_lang_follows_the_url(client, path, db):
    from wagtail.models import Page

    assert Page.objects.exists()
    response = client.get(path)
    expected = "sv" if path == "/" else "en"
    assert f'<html lang="{expected}">' in response.content.decode()
