import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.models import Image
from wagtail.models import Page

from portal.blocks import CallToActionBlock, ImageBlock
from portal.models import (
    ContactFormField,
    ContactFormPage,
    ContentPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
)
from tests.factories import add_page, site_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return site_home(introduction="<p>Välkommen till portalen för samverkan mot rasism.</p>")


@pytest.fixture
def image(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "navy").save(buffer, format="PNG")
    return Image.objects.create(title="Testbild", file=ImageFile(buffer, name="test.png"))


def _html(response):
    return response.content.decode()


def test_home_page_shows_introduction_and_latest_news(client, home):
    news = add_page(home, NewsIndexPage(title="Nyheter", slug="nyheter"))
    for day, title in [
        (1, "Äldsta nyheten"),
        (2, "Mellersta nyheten"),
        (3, "Näst nyaste"),
        (4, "Nyaste nyheten"),
    ]:
        add_page(news, NewsArticlePage(title=title, slug=f"n{day}", date=datetime.date(2026, 5, day)))

    html = _html(client.get("/"))

    assert "Välkommen till portalen för samverkan mot rasism." in html
    assert html.index("Nyaste nyheten") < html.index("Näst nyaste") < html.index("Mellersta nyheten")
    assert "Äldsta nyheten" not in html  # three latest only
    assert 'href="/nyheter/"' in html


def test_home_page_includes_the_slot_templates_that_exist(client, home, settings, tmp_path):
    (tmp_path / "slot.html").write_text("<p>Öppna remisser på {{ page.title }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    settings.PORTAL_HOME_SLOTS = ["does/not/exist.html", "slot.html"]

    response = client.get("/")

    assert response.status_code == 200
    assert "Öppna remisser på Teststartsida" in _html(response)


def test_content_page_renders_its_blocks(client, home, image):
    body = [
        {"type": "heading", "value": {"text": "Bakgrund till arbetet", "level": "h2"}},
        {"type": "heading", "value": {"text": "En underrubrik", "level": "h3"}},
        {"type": "paragraph", "value": "<p>Staden <b>samarbetar</b> med civilsamhället.</p>"},
        {
            "type": "image",
            "value": {"image": image.pk, "alt": "Ett möte i Stadshuset", "caption": "Bildtext"},
        },
        {"type": "quote", "value": {"text": "Alla har lika värde.", "attribution": "Deltagare"}},
        {
            "type": "call_to_action",
            "value": {
                "heading": "Vill du vara med?",
                "text": "Anmäl din organisation.",
                "page": None,
                "url": "https://example.org/anmalan",
                "button_label": "Anmäl",
            },
        },
    ]
    page = add_page(
        home, ContentPage(title="Om oss", slug="om-oss", intro="En kort ingress.", body=json.dumps(body))
    )

    html = _html(client.get(page.url))

    assert "<h1>Om oss</h1>" in html
    assert "En kort ingress." in html
    assert "<h2>Bakgrund till arbetet</h2>" in html
    assert "<h3>En underrubrik</h3>" in html
    assert "<b>samarbetar</b>" in html
    assert 'alt="Ett möte i Stadshuset"' in html
    assert "<figcaption>Bildtext</figcaption>" in html
    assert "Alla har lika värde." in html and "Deltagare" in html
    assert 'href="https://example.org/anmalan"' in html and ">Anmäl</a>" in html


def test_image_block_requires_alternative_text(image):
    block = ImageBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"image": image.pk, "alt": "", "caption": ""}))
    assert (
        block.clean(block.to_python({"image": image.pk, "alt": "En bild", "caption": ""}))["alt"] == "En bild"
    )


def test_call_to_action_needs_exactly_one_target(home):
    block = CallToActionBlock()
    base = {"heading": "Rubrik", "text": "", "button_label": "Läs mer"}
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({**base, "page": None, "url": ""}))
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({**base, "page": home.pk, "url": "https://example.org/"}))
    assert block.clean(block.to_python({**base, "page": home.pk, "url": ""}))["page"].pk == home.pk


def test_news_index_paginates_ten_newest_first(client, home):
    news = add_page(home, NewsIndexPage(title="Nyheter", slug="nyheter", intro="Det senaste."))
    for day in range(1, 13):
        add_page(
            news, NewsArticlePage(title=f"Artikel {day:02}", slug=f"a{day}", date=datetime.date(2026, 3, day))
        )

    first = _html(client.get("/nyheter/"))
    second = _html(client.get("/nyheter/?page=2"))

    assert "Det senaste." in first
    assert first.index("Artikel 12") < first.index("Artikel 03")
    assert "Artikel 02" not in first and "Artikel 01" not in first
    assert "Artikel 02" in second and "Artikel 01" in second and "Artikel 12" not in second
    assert '<nav class="pagination"' in first
    assert 'aria-current="page" href="?page=1"' in first


def test_news_article_renders_and_requires_alt_text_with_an_image(client, home, image):
    news = add_page(home, NewsIndexPage(title="Nyheter", slug="nyheter"))
    article = add_page(
        news,
        NewsArticlePage(
            title="Nytt möte",
            slug="nytt-mote",
            date=datetime.date(2026, 4, 2),
            intro="Gruppen träffas igen.",
            image=image,
            image_alt="Deltagare runt ett bord",
        ),
    )

    html = _html(client.get(article.url))

    assert "<h1>Nytt möte</h1>" in html and "Gruppen träffas igen." in html
    assert 'datetime="2026-04-02"' in html
    assert 'alt="Deltagare runt ett bord"' in html
    article.image_alt = ""
    with pytest.raises(ValidationError):
        article.full_clean()


def test_contact_form_page_renders_its_fields(client, home):
    page = ContactFormPage(title="Kontakt", slug="kontakt", intro="<p>Skriv till oss.</p>")
    page.form_fields = [
        ContactFormField(label="Ditt namn", field_type="singleline", required=True),
        ContactFormField(label="Meddelande", field_type="multiline", required=True),
    ]
    add_page(home, page)

    html = _html(client.get("/kontakt/"))

    assert "Skriv till oss." in html
    assert "Ditt namn" in html and "<textarea" in html
    assert 'name="website"' in html and 'class="hp-field" aria-hidden="true"' in html


def test_page_type_rules(home):
    root = Page.get_first_root_node()
    news = add_page(home, NewsIndexPage(title="Nyheter", slug="nyheter"))
    content = add_page(home, ContentPage(title="Om", slug="om"))

    assert HomePage.can_create_at(root)
    assert not HomePage.can_create_at(home)
    assert not ContentPage.can_create_at(root)
    assert ContentPage.can_create_at(home) and ContentPage.can_create_at(content)
    assert not ContentPage.can_create_at(news)
    assert NewsIndexPage.can_create_at(home) and not NewsIndexPage.can_create_at(content)
    assert NewsArticlePage.can_create_at(news)
    assert not NewsArticlePage.can_create_at(home) and not NewsArticlePage.can_create_at(content)
    assert ContactFormPage.can_create_at(home) and ContactFormPage.can_create_at(content)
    assert not ContactFormPage.can_create_at(news)
    assert NewsArticlePage.allowed_subpage_models() == []
    assert ContactFormPage.allowed_subpage_models() == []


def test_not_found_page_is_friendly_and_bilingual(client, home):
    response = client.get("/finns-inte-alls/")
    html = _html(response)
    assert response.status_code == 404
    assert "Vi hittade inte sidan" in html
    assert '<p lang="en">Page not found.' in html
    assert 'href="/search/"' in html

    response = client.get("/en/does-not-exist/")
    html = _html(response)
    assert response.status_code == 404
    assert "We could not find the page" in html
    assert '<p lang="sv">Sidan finns inte.' in html


def test_server_error_page_renders_without_context_processors(rf):
    from portal.site_views import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>" in html and 'lang="en"' in html
