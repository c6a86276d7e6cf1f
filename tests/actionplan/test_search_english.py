"""The site search finds an activity by its English title and description when the reader reads English
(the activity's English translation is its own page in the English locale), and by the Swedish words
when the reader reads Swedish; neither language's hit is shown to the other."""

import re

import pytest
from wagtail.models import Locale

pytestmark = pytest.mark.django_db


def _groups(body):
    groups = {}
    for section in re.findall(r'<section aria-labelledby="group-[a-z]+"(.*?)</section>', body, re.S):
        heading = re.search(r"<h2[^>]*>(.*?)<", section, re.S).group(1).strip()
        groups[heading] = [
            t.strip() for t in re.findall(r'<h3 class="card__title"><a href="[^"]*">(.*?)</a>', section)
        ]
    return groups


def _translate(page, locale, **fields):
    translation = page.copy_for_translation(locale, copy_parents=True).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return translation


@pytest.fixture
def english(activity):
    activity.description = "<p>Skolan arbetar mot hatbrott i klassens chattar.</p>"
    activity.save_revision().publish()
    locale_en, _ = Locale.objects.get_or_create(language_code="en")
    return _translate(
        activity,
        locale_en,
        title="Racism on social media",
        description="<p>Schools work against hate crime in the class chats.</p>",
    )


def test_an_english_reader_finds_the_activity_by_its_english_words(client, english):
    body = client.get("/en/search/", {"q": "chats"}).content.decode()
    groups = _groups(body)
    assert groups.get("Activities in the action plan") == ["Racism on social media"]
    assert english.url in body
    assert "Schools work against hate crime" in body
    groups = _groups(client.get("/en/search/", {"q": "Racism on social media"}).content.decode())
    assert groups.get("Activities in the action plan") == ["Racism on social media"]


def test_a_swedish_reader_finds_it_by_the_swedish_words_only(client, english):
    groups = _groups(client.get("/search/", {"q": "chattar"}).content.decode())
    assert groups.get("Aktiviteter i handlingsplanen") == ["Rasism i sociala medier"]
    assert "Aktiviteter i handlingsplanen" not in _groups(
        client.get("/search/", {"q": "chats"}).content.decode()
    )
    assert "Activities in the action plan" not in _groups(
        client.get("/en/search/", {"q": "chattar"}).content.decode()
    )
