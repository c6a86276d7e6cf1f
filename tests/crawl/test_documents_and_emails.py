"""Documents and e-mails (issue 19): checked with the test client, not the browser.

- The minutes PDF and the consultation compilation PDF are tagged PDF/UA-1 documents (WeasyPrint's
  `pdf_variant="pdf/ua-1"`): /MarkInfo /Marked true, a /StructTreeRoot and the document language in
  /Lang, read with pypdf. Each has an HTML version on the site, linked from the page the PDF is on.
- A notification e-mail in English and allauth's password reset in Swedish and English each have an
  HTML part whose `<html lang>` is the language it is written in, and no text from the other language
  of the catalogue.
"""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from tests.crawl.html import html_lang, soup, texts
from tests.crawl.pages import foreign_texts
from tests.security.test_permission_matrix import url_for, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _assert_tagged_pdf(content: bytes, language: str):
    assert content.startswith(b"%PDF-1.7"), content[:10]
    root = PdfReader(io.BytesIO(content)).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]) == language
    assert "/Metadata" in root  # XMP with the PDF/UA identification


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_minutes_pdf_is_tagged_with_its_language_and_has_an_html_version(world):  # noqa: F811
    for language in ("sv", "en"):
        with translation.override(language):
            pdf_url = url_for(world, "meetings:minutes_pdf")
            response = Client().get(pdf_url)
        assert response.status_code == 200
        _assert_tagged_pdf(response.content, language)
    # The HTML version: the minutes on the meeting's page, which links to the PDF.
    public_meeting_url = reverse(
        "meetings:detail", kwargs={"pk": world["kwargs"]["meetings:minutes_pdf"]["pk"]}
    )
    page = soup(Client().get(public_meeting_url).content)
    assert page.find(id="minutes") is not None, "the meeting page shows no minutes"
    assert page.find(
        "a", href=reverse("meetings:minutes_pdf", kwargs=world["kwargs"]["meetings:minutes_pdf"])
    )


def test_consultation_compilation_pdf_is_tagged_and_has_an_html_version(world):  # noqa: F811
    from consultations.exports import build_pdf

    consultation = world["objects"]["version"].response.consultation
    for language in ("sv", "en"):
        with translation.override(language):
            _assert_tagged_pdf(build_pdf(consultation), language)
    coordinator = _client(world["users"]["coordinator"])
    participation = soup(coordinator.get(url_for(world, "consultations:participation")).content)
    compilation_url = url_for(world, "consultations:compilation")
    assert participation.find("a", href=compilation_url), "no link to the HTML version"
    page = coordinator.get(compilation_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Svar från Beta" in body  # org B's submitted response
    assert "Utkast från Alfa" not in body  # never a draft
    assert html_lang(soup(body)) == "sv"
    # Only the city reads it while the consultation is open.
    assert _client(world["users"]["org_admin"]).get(compilation_url).status_code == 403


def _html_part(message) -> str | None:
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            return content
    return None


def test_every_email_has_an_html_part_in_its_own_language(world, django_capture_on_commit_callbacks):  # noqa: F811
    from notifications.services import notify

    # A notification to a person who reads English, and allauth's password reset in both languages.
    member = world["users"]["member"]
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    consultation = world["objects"]["version"].response.consultation
    with django_capture_on_commit_callbacks(execute=True):
        notify("consultations.opened", consultation, recipients=[member], dedupe_key="crawl")
    Client().post(reverse("account_reset_password"), {"email": "member-a@example.org"})
    with translation.override("en"):
        Client().post(reverse("account_reset_password"), {"email": "admin-b@example.org"})
    assert len(mail.outbox) >= 3
    failures, languages = [], set()
    for message in mail.outbox:
        html = _html_part(message)
        label = f"{message.subject!r} to {message.to}"
        if html is None:
            failures.append(f"{label}: no HTML part")
            continue
        doc = soup(html)
        lang = html_lang(doc)
        languages.add(lang)
        if lang not in ("sv", "en"):
            failures.append(f"{label}: <html lang={lang!r}>")
            continue
        if foreign := foreign_texts([message.subject, *texts(doc)], lang):
            failures.append(f"{label}: lang={lang} but has {foreign}")
    assert not failures, "\n".join(failures)
    assert languages == {"sv", "en"}, languages
