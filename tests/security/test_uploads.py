"""Hostile uploads through the real forms: every one refused with a clear message in Swedish and English,
and nothing stored.

Upload fields of the portal:
- a response's attachments (consultations:response, `files`): PDF, DOCX, ODT, checked by content in
  consultations/validation.py with portal/uploads.py;
- an organisation's logo (organisations:settings and :register, `logo`): Django's ImageField, which
  opens the file with Pillow;
- documents and images uploaded in the Wagtail admin: the same checks (portal/wagtail_forms.py), with a
  corpus of hostile files in test_wagtail_uploads.py; Wagtail serves documents with
  `X-Content-Type-Options: nosniff` and `Content-Security-Policy: default-src 'none'`.
"""

import io
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import ConsultationFactory, MembershipFactory, OrganisationFactory, coordinator

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _docx(document: bytes = b"<w:document/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def _pdf_with_compressed_js() -> bytes:
    stream = zlib.compress(b"<</Type/Action/S/JavaScript/JS(app.alert(1))>>")
    return (
        b"%PDF-1.5\n1 0 obj<</Type/Catalog/OpenAction 3 0 R>>endobj\n"
        b"2 0 obj<</Type/ObjStm/Filter/FlateDecode/Length "
        + str(len(stream)).encode()
        + b">>stream\n"
        + stream
        + b"\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


# (label, file name, content, Swedish message fragment, English message fragment)
HOSTILE_ATTACHMENTS = [
    ("exe behind .pdf", "svar.pdf", b"MZ\x90\x00\x03" + b"\x00" * 500, "är inte ett PDF-", "is not a PDF"),
    (
        "html behind .pdf",
        "svar.pdf",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "är inte ett PDF-",
        "is not a PDF",
    ),
    (
        "svg behind .pdf",
        "bild.pdf",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "är inte ett PDF-",
        "is not a PDF",
    ),
    ("pdf behind .docx", "svar.docx", PDF, "är inte ett PDF-", "is not a PDF"),
    ("zero bytes", "tom.pdf", b"", "tom", "empty"),
    (
        "oversize",
        "stor.pdf",
        PDF + b"0" * (10 * 1024 * 1024),
        "en fil får vara högst",
        "a file may be at most",
    ),
    ("zip bomb docx", "bomb.docx", _docx(b"0" * (30 * 1024 * 1024)), "zip-bomb", "zip bomb"),
    ("broken docx", "trasig.docx", _docx()[:200], "är inte ett PDF-", "is not a PDF"),
    (
        "pdf with /JS",
        "skript.pdf",
        PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
        "JavaScript eller annat aktivt",
        "JavaScript or other active",
    ),
    (
        "pdf with #-escaped /JavaScript",
        "skript2.pdf",
        PDF.replace(b"/Type/Catalog", b"/Type/Catalog/AA<</O<</S/J#61vaScript/J#53(x)>>>>"),
        "JavaScript eller annat aktivt",
        "JavaScript or other active",
    ),
    (
        "pdf with JS in a compressed object stream",
        "skript3.pdf",
        _pdf_with_compressed_js(),
        "JavaScript eller annat aktivt",
        "JavaScript or other active",
    ),
    (
        "pdf with /Launch",
        "starta.pdf",
        PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>"),
        "JavaScript eller annat aktivt",
        "JavaScript or other active",
    ),
    ("double extension", "svar.exe.pdf", PDF, "mer än en filtyp", "more than one file type"),
]


@pytest.fixture
def response_world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    translation.activate("sv")
    organisation = OrganisationFactory(name="Alfa", slug="alfa")
    admin = MembershipFactory(organisation=organisation, role="admin").user
    consultation = ConsultationFactory(slug="oppet")
    client = Client()
    client.force_login(admin)
    return {"client": client, "consultation": consultation, "organisation": organisation, "media": tmp_path}


def _stored_files(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _post_attachment(world, name, content, language="sv"):
    from consultations.models import Response

    with translation.override(language):
        url = reverse("consultations:response", kwargs={"slug": world["consultation"].slug})
    response = Response.objects.filter(consultation=world["consultation"]).first()
    data = {
        "revision": response.revision if response else 0,
        "text": "Vårt svar",
        "files": SimpleUploadedFile(name, content, content_type="application/pdf"),
    }
    return world["client"].post(url, data)


@pytest.mark.parametrize(
    ("label", "name", "content", "swedish", "english"),
    HOSTILE_ATTACHMENTS,
    ids=[row[0] for row in HOSTILE_ATTACHMENTS],
)
def test_hostile_attachment_is_refused_in_both_languages(
    response_world, label, name, content, swedish, english
):
    from consultations.models import ResponseAttachment

    media = Path(response_world["media"]) / "media"
    for language, fragment in (("sv", swedish), ("en", english)):
        answer = _post_attachment(response_world, name, content, language)
        assert answer.status_code == 400, (label, language)
        assert fragment in answer.content.decode(), (label, language)
    assert ResponseAttachment.objects.count() == 0
    assert _stored_files(media) == []


def test_an_ordinary_pdf_and_docx_are_accepted(response_world):
    """The control: the same form stores genuine documents, also under a Unicode name."""
    from consultations.models import ResponseAttachment

    for name, content in (("Remissvar åäö – مرحبا.pdf", PDF), ("svar.docx", _docx())):
        answer = _post_attachment(response_world, name, content)
        assert answer.status_code == 302, answer.content.decode()[:2000]
    names = sorted(ResponseAttachment.objects.values_list("name", flat=True))
    assert names == sorted(["Remissvar åäö – مرحبا.pdf", "svar.docx"])


def test_invisible_characters_are_removed_from_the_file_name(response_world):
    """A right-to-left override can make "svar\u202egnp.pdf" look like "svarfdp.png"; Django's upload
    parser drops non-printable characters, and inspect_upload refuses any that reach it another way."""
    from django.core.exceptions import ValidationError

    from consultations.models import ResponseAttachment
    from consultations.validation import inspect_upload

    for name in ("svar\u202egnp.pdf", "s\u200bvar.pdf"):
        assert _post_attachment(response_world, name, PDF).status_code == 302
    assert sorted(ResponseAttachment.objects.values_list("name", flat=True)) == ["svar.pdf", "svargnp.pdf"]
    with pytest.raises(ValidationError, match="invisible or control"), translation.override("en"):
        inspect_upload(SimpleUploadedFile("svar\u202egnp.pdf", PDF))


def test_path_traversal_in_the_file_name_stays_inside_media(response_world, settings):
    """The browser sends the name; a crafted one with ../ is reduced to its last part and stored in
    the response's own folder."""
    from consultations.models import ResponseAttachment

    url = reverse("consultations:response", kwargs={"slug": response_world["consultation"].slug})
    boundary = "----h3boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="revision"\r\n\r\n0\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\nSvar\r\n'.encode(),
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="../../../../etc/evil.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + PDF
        + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    answer = response_world["client"].generic(
        "POST", url, b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert answer.status_code == 302
    attachment = ResponseAttachment.objects.get()
    assert attachment.name == "evil.pdf"
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()  # attachments are private (portal/private_media.py)
    stored = Path(attachment.file.path).resolve()
    assert private in stored.parents
    assert stored.parent.parent == private / "consultations" / "responses"
    assert not (Path(response_world["media"]) / "etc").exists()


# --- the organisation logo ------------------------------------------------------------------------


def _png(width=2, height=2) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _png_bomb() -> bytes:
    """A tiny PNG whose header claims 30000 × 30000 pixels (900 megapixels)."""
    import struct

    raw = _png(1, 1)
    ihdr_start = raw.index(b"IHDR")
    data = struct.pack(">II", 30000, 30000) + raw[ihdr_start + 12 : ihdr_start + 17]
    chunk = b"IHDR" + data
    crc = struct.pack(">I", zlib.crc32(chunk) & 0xFFFFFFFF)
    return raw[: ihdr_start - 4] + struct.pack(">I", len(data)) + chunk + crc + raw[ihdr_start + 21 :]


HOSTILE_LOGOS = [
    ("html behind .png", "logo.png", b"<html><script>alert(1)</script></html>"),
    (
        "svg with script",
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    ("svg behind .png", "logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("exe behind .png", "logo.png", b"MZ\x90\x00" + b"\x00" * 300),
    ("zero bytes", "logo.png", b""),
    ("oversize", "logo.png", _png() + b"\x00" * (2 * 1024 * 1024 + 1)),
    ("decompression bomb", "logo.png", _png_bomb()),
]
LOGO_MESSAGES = {
    "sv": ("Ladda upp en giltig bild", "tom", "högst 2 MB"),
    "en": ("Upload a valid image", "empty", "at most 2 MB"),
}


@pytest.fixture
def logo_world(settings, tmp_path):
    from organisations.models import FocusArea

    settings.MEDIA_ROOT = str(tmp_path / "media")
    organisation = OrganisationFactory(name="Logoföreningen", slug="logo")
    admin = MembershipFactory(organisation=organisation, role="admin").user
    client = Client()
    client.force_login(admin)
    focus = FocusArea.objects.first()
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "description": organisation.description,
        "listed_publicly": "on",
        "focus_areas": [focus.pk] if focus else [],
    }
    return {"client": client, "organisation": organisation, "data": data, "media": tmp_path / "media"}


def _post_logo(world, name, content, language="sv"):
    with translation.override(language):
        url = reverse("organisations:settings", kwargs={"slug": world["organisation"].slug})
    return world["client"].post(url, {**world["data"], "logo": SimpleUploadedFile(name, content)})


def test_a_real_logo_is_accepted(logo_world):
    from organisations.models import Organisation

    answer = _post_logo(logo_world, "logo.png", _png())
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert Organisation.objects.get(pk=logo_world["organisation"].pk).logo.name.endswith(".png")


@pytest.mark.parametrize(("label", "name", "content"), HOSTILE_LOGOS, ids=[row[0] for row in HOSTILE_LOGOS])
def test_hostile_logo_is_refused_in_both_languages(logo_world, label, name, content):
    from organisations.models import Organisation

    for language, fragments in LOGO_MESSAGES.items():
        answer = _post_logo(logo_world, name, content, language)
        assert answer.status_code == 200, (label, language)  # the form again, with the error
        page = answer.content.decode()
        assert any(fragment in page for fragment in fragments), (label, language)
    assert not Organisation.objects.get(pk=logo_world["organisation"].pk).logo
    assert _stored_files(logo_world["media"]) == []


# --- Wagtail documents (coordinators) -------------------------------------------------------------


def test_a_disguised_wagtail_document_is_refused(settings, tmp_path):
    """An HTML page uploaded as `rapport.pdf` is refused by its content (portal/uploads.py; the whole
    corpus is in test_wagtail_uploads.py); an extension outside WAGTAILDOCS_EXTENSIONS is refused outright."""
    from wagtail.documents.models import Document

    settings.MEDIA_ROOT = str(tmp_path / "media")
    user = coordinator("docs@example.org")
    client = Client()
    client.force_login(user)
    html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    for name in ("rapport.pdf", "sida.html"):
        answer = client.post(
            "/admin/documents/add/",
            {"title": name, "file": SimpleUploadedFile(name, html), "collection": 1},
        )
        assert answer.status_code == 200, name
    assert not Document.objects.exists()
