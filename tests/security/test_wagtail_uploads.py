"""Wagtail document and image uploads pass the same checks as response attachments (portal/uploads.py):
a corpus of hostile files, built here, is refused through the admin's real upload forms with a clear
message in Swedish and in English, nothing is stored, and a clean file is accepted."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import coordinator

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx(**extra: bytes) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", **extra})


def _odt(**extra: bytes) -> bytes:
    # An ODF package starts with an uncompressed "mimetype" member, which is how its type is recognised.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", b"<office:document-content/>", zipfile.ZIP_DEFLATED)
        for name, content in extra.items():
            archive.writestr(name, content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _png(width=1, height=1) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _compressed_js_pdf() -> bytes:
    stream = zlib.compress(b"<</Type/Action/S/JavaScript/JS(app.alert(1))>>")
    return (
        b"%PDF-1.5\n1 0 obj<</Type/Catalog/OpenAction 3 0 R>>endobj\n"
        b"2 0 obj<</Type/ObjStm/Filter/FlateDecode/Length "
        + str(len(stream)).encode()
        + b">>stream\n"
        + stream
        + b"\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


TYPE = ("är inte ett dokument av en tillåten typ", "is not a document of an accepted type")
ACTIVE = ("JavaScript eller annat aktivt", "JavaScript or other active")
BOMB = ("zip-bomb", "zip bomb")
NESTED = ("innehåller ett annat arkiv", "contains another archive")
MACROS = ("innehåller makron", "contains macros")
POLYGLOT = ("flera sorters fil", "more than one kind of file")
TOO_LARGE = ("en fil får vara högst", "a file may be at most")
DOUBLE = ("mer än en filtyp", "more than one file type")
EMPTY = ("tom", "empty")

# The documents' limit in these tests (PORTAL_DOCUMENT_MAX_BYTES), so that the over-size file stays small.
MAX_BYTES = 256 * 1024

# (label, file name, content, (Swedish fragment, English fragment))
HOSTILE_DOCUMENTS = [
    (
        "pdf with /JavaScript",
        "skript.pdf",
        PDF.replace(b"/Type/Catalog", b"/Type/Catalog/Names<</JavaScript<</Names[(a)4 0 R]>>>>"),
        ACTIVE,
    ),
    (
        "pdf with /Launch",
        "starta.pdf",
        PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>"),
        ACTIVE,
    ),
    ("pdf with /OpenAction JS in a compressed stream", "oppna.pdf", _compressed_js_pdf(), ACTIVE),
    (
        "pdf with #-escaped /JavaScript",
        "dold.pdf",
        PDF.replace(b"/Type/Catalog", b"/Type/Catalog/AA<</O<</S/J#61vaScript/J#53(x)>>>>"),
        ACTIVE,
    ),
    (
        "pdf with an embedded file",
        "bifogad.pdf",
        PDF.replace(b"/Type/Catalog", b"/Type/Catalog/Names<</EmbeddedFiles<</Names[(a.exe)5 0 R]>>>>"),
        ACTIVE,
    ),
    ("html renamed .pdf", "rapport.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", TYPE),
    (
        "svg with script renamed .pdf",
        "bild.pdf",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        TYPE,
    ),
    ("html renamed .txt", "anteckning.txt", b"<html><body><script>alert(1)</script></body></html>", POLYGLOT),
    ("executable renamed .pdf", "program.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500, TYPE),
    ("pdf named .docx", "brev.docx", PDF, TYPE),
    ("zip bomb docx", "bomb.docx", _docx(**{"word/media/fill.bin": b"0" * (40 * 1024 * 1024)}), BOMB),
    (
        "nested zip in a docx",
        "paket.docx",
        _docx(**{"word/embeddings/inner.zip": _zip({"a.txt": b"a"})}),
        NESTED,
    ),
    (
        "docx macro (vbaProject.bin)",
        "makro.docx",
        _docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        MACROS,
    ),
    (
        "odt with a Basic macro",
        "makro.odt",
        _odt(**{"Basic/Standard/Module1.xml": b"<script:module/>"}),
        MACROS,
    ),
    ("polyglot: pdf with a zip appended", "polyglot.pdf", PDF + _zip({"run.js": b"alert(1)"}), POLYGLOT),
    (
        "polyglot: pdf carrying a web page",
        "sida.pdf",
        PDF + b"<html><script>alert(1)</script></html>",
        POLYGLOT,
    ),
    ("over-size file", "stor.pdf", PDF + b"%" + b"0" * MAX_BYTES, TOO_LARGE),
    ("double extension", "rapport.exe.pdf", PDF, DOUBLE),
    ("empty file", "tom.pdf", b"", EMPTY),
]

HOSTILE_IMAGES = [
    ("png with a zip appended", "bild.png", _png() + _zip({"run.js": b"alert(1)"}), POLYGLOT),
    ("png carrying a script", "bild2.png", _png() + b"<script>alert(1)</script>", POLYGLOT),
]


@pytest.fixture
def editor_client(settings, tmp_path):
    from wagtail.users.models import UserProfile

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PORTAL_DOCUMENT_MAX_BYTES = MAX_BYTES
    # Coordinators manage documents; images need Wagtail's image permissions, which a site admin has.
    user = coordinator("redaktor-uppladdning@example.org", is_superuser=True)
    client = Client()
    client.force_login(user)
    profile = UserProfile.get_for_user(user)

    def set_language(language):
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])

    client.set_language = set_language
    return client


def _stored(settings) -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


def _post_document(client, name, content):
    return client.post(
        "/admin/documents/add/",
        {"title": f"Dokument {name}", "file": SimpleUploadedFile(name, content), "collection": 1},
    )


def test_the_corpus_has_at_least_fourteen_hostile_documents():
    assert len(HOSTILE_DOCUMENTS) >= 14


@pytest.mark.parametrize(
    ("label", "name", "content", "fragments"), HOSTILE_DOCUMENTS, ids=[row[0] for row in HOSTILE_DOCUMENTS]
)
def test_a_hostile_document_is_refused_in_both_languages(
    editor_client, settings, label, name, content, fragments
):
    from wagtail.documents.models import Document

    for language, fragment in zip(("sv", "en"), fragments, strict=True):
        editor_client.set_language(language)
        answer = _post_document(editor_client, name, content)
        assert answer.status_code == 200, (label, language, answer.status_code)
        page = answer.content.decode()
        assert fragment in page, (label, language)
    assert not Document.objects.exists()
    assert _stored(settings) == []


def test_the_multiple_uploader_refuses_a_hostile_document_too(editor_client, settings):
    from wagtail.documents.models import Document

    editor_client.set_language("en")
    answer = editor_client.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("makro.docx", _docx(**{"word/vbaProject.bin": b"macro"}))},
    )
    assert answer.status_code == 200
    data = answer.json()
    assert data["success"] is False
    assert "contains macros" in data["error_message"]
    assert not Document.objects.exists()
    assert _stored(settings) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [("protokoll.pdf", PDF), ("brev.docx", _docx()), ("text.odt", _odt()), ("lista.csv", b"namn;ort\nA;B\n")],
)
def test_a_clean_document_is_accepted_and_served_inert(editor_client, settings, name, content):
    from wagtail.documents.models import Document

    answer = _post_document(editor_client, name, content)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    document = Document.objects.get()
    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() in Path(document.file.path).resolve().parents
    served = Client().get(document.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == content
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in served["Content-Security-Policy"]


def _post_image(client, name, content):
    return client.post(
        "/admin/images/add/",
        {"title": f"Bild {name}", "file": SimpleUploadedFile(name, content), "collection": 1},
    )


@pytest.mark.parametrize(
    ("label", "name", "content", "fragments"), HOSTILE_IMAGES, ids=[row[0] for row in HOSTILE_IMAGES]
)
def test_a_hostile_image_is_refused_in_both_languages(
    editor_client, settings, label, name, content, fragments
):
    from wagtail.images.models import Image

    for language, fragment in zip(("sv", "en"), fragments, strict=True):
        editor_client.set_language(language)
        answer = _post_image(editor_client, name, content)
        assert answer.status_code == 200, (label, language)
        assert fragment in answer.content.decode(), (label, language)
    assert not Image.objects.exists()
    assert _stored(settings) == []


def test_an_svg_image_is_refused():
    from django.conf import settings

    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS


def test_a_clean_image_is_accepted(editor_client):
    from wagtail.images.models import Image

    answer = _post_image(editor_client, "logga.png", _png(4, 4))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Image.objects.get().file.name.endswith(".png")
