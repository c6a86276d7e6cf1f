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


@pytest.mark.parametrize("path, language", [("/", "sv"), ("/en/", "en")])
def test_home_page_language_follows_the_url(client, path, language, demo_once, db):
    html = client.get(path).content.decode()
    assert f'<html lang="{language}">' in html
    skip_link = {"sv": "Hoppa till innehållet", "en": "Skip to content"}[language]
    assert skip_link in html
