import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from tests.factories import (
    ConsultationFactory,
    GuidingQuestionFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    coordinator,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SITE_URL = "https://portal.example.org"


@pytest.fixture(autouse=True)
def _swedish():
    """A request to /en/ leaves English active in the thread, and `reverse()` in the next test would then
    build /en/ addresses: start every test in Swedish."""
    with translation.override("sv"):
        yield


@pytest.fixture
def consultation(db):
    c = ConsultationFactory(sections=2)
    GuidingQuestionFactory(consultation=c, text="Vad saknas?", sort_order=0)
    return c


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Föreningen Alfa")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Föreningen Beta")


@pytest.fixture
def member_a(org_a):
    return MembershipFactory(
        organisation=org_a, user=UserFactory(display_name="Anna Medlem"), role="member"
    ).user


@pytest.fixture
def admin_a(org_a):
    return MembershipFactory(
        organisation=org_a, user=UserFactory(display_name="Amir Admin"), role="admin"
    ).user


@pytest.fixture
def member_b(org_b):
    return MembershipFactory(
        organisation=org_b, user=UserFactory(display_name="Bea Medlem"), role="member"
    ).user


@pytest.fixture
def admin_b(org_b):
    return MembershipFactory(organisation=org_b, user=UserFactory(display_name="Bo Admin"), role="admin").user


@pytest.fixture
def outsider(db):
    return UserFactory(display_name="Utan Förening")


@pytest.fixture
def coord(db):
    return coordinator(display_name="Cecilia Samordnare")


def close(consultation):
    """Moves the consultation's period into the past."""
    now = timezone.now()
    consultation.opens_at = now - dt.timedelta(days=20)
    consultation.closes_at = now - dt.timedelta(minutes=1)
    consultation.save(update_fields=["opens_at", "closes_at"])
    return consultation


def pdf_upload(name="svar.pdf", size=None):
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    if size:
        content = content + b"0" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_upload(name="svar.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def exe_upload(name="svar.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
