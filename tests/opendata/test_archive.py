"""E-ARK packages (CSIP / SIP 2.x): the structure, and every checksum in METS against the files."""

import hashlib
import io
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from consultations.models import ResponseVersion, ResponseVersionFile
from opendata.archive import build_package
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db
NS = {
    "mets": "http://www.loc.gov/METS/",
    "xlink": "http://www.w3.org/1999/xlink",
    "premis": "http://www.loc.gov/premis/v3",
}
HREF = "{http://www.w3.org/1999/xlink}href"


def _open(target):
    buffer = io.BytesIO()
    summary = build_package(target, buffer)
    return zipfile.ZipFile(buffer), summary


def _check_structure_and_checksums(zf, summary):
    names = zf.namelist()
    root = summary["objid"]
    assert all(n.startswith(f"{root}/") for n in names), "one root folder"
    for required in ("METS.xml", "metadata/descriptive/dc.xml", "metadata/preservation/premis.xml",
                     "representations/rep1/METS.xml"):  # fmt: skip
        assert f"{root}/{required}" in names, required
    assert any(n.startswith(f"{root}/representations/rep1/data/") for n in names)
    mets = ElementTree.fromstring(zf.read(f"{root}/METS.xml"))
    assert mets.get("OBJID") == root and mets.get("PROFILE").endswith("E-ARK-SIP.xml")
    checked = 0
    for node in mets.iterfind(".//mets:file", NS):
        href = node.find("mets:FLocat", NS).get(HREF)
        content = zf.read(f"{root}/{href}")
        assert node.get("CHECKSUMTYPE") == "SHA-256"
        assert hashlib.sha256(content).hexdigest() == node.get("CHECKSUM"), href
        assert int(node.get("SIZE")) == len(content) and node.get("MIMETYPE")
        checked += 1
    for ref in mets.iterfind(".//mets:mdRef", NS):
        content = zf.read(f"{root}/{ref.get(HREF)}")
        assert hashlib.sha256(content).hexdigest() == ref.get("CHECKSUM")
    data_files = [n for n in names if "/representations/rep1/data/" in n]
    # every data file, the representation's METS and the package's documentation
    assert checked == len(data_files) + 2
    assert f"{root}/documentation/om-paketet.html" in names
    rep = ElementTree.fromstring(zf.read(f"{root}/representations/rep1/METS.xml"))
    for node in rep.iterfind(".//mets:file", NS):
        href = node.find("mets:FLocat", NS).get(HREF)
        assert hashlib.sha256(zf.read(f"{root}/representations/rep1/{href}")).hexdigest() == node.get(
            "CHECKSUM"
        )
    return ElementTree.fromstring(zf.read(f"{root}/metadata/preservation/premis.xml"))


def test_package_of_a_concluded_consultation(world):
    consultation = world.public["concluded"]
    version = ResponseVersion.objects.get(receipt_number="SVAR-2026-0001")
    attachment = b"%PDF-1.4 bilaga\n" * 1000
    ResponseVersionFile.objects.create(
        version=version,
        file=ContentFile(attachment, name="bilaga.pdf"),
        name="bilaga.pdf",
        content_type="application/pdf",
        size=len(attachment),
        sha256=hashlib.sha256(attachment).hexdigest(),
    )
    zf, summary = _open(consultation)
    premis = _check_structure_and_checksums(zf, summary)
    root = summary["objid"]
    stored = zf.read(f"{root}/representations/rep1/data/responses/SVAR-2026-0001/bilaga.pdf")
    # The checksum in the package equals the one on the receipt.
    receipt = ResponseVersionFile.objects.get(version=version).sha256
    assert hashlib.sha256(stored).hexdigest() == receipt
    assert any(f["sha256"] == receipt for f in summary["files"])
    assert f"{root}/representations/rep1/data/text/version-1.html" in zf.namelist()
    events = [e.findtext("premis:eventType", namespaces=NS) for e in premis.iterfind("premis:event", NS)]
    assert "publication" in events and "submission" in events and events[-1] == "creation"
    objects = premis.findall("premis:object", NS)
    assert len(objects) == len(summary["files"])
    dc = zf.read(f"{root}/metadata/descriptive/dc.xml").decode()
    assert "Samråd om samverkan" in dc and "KS 2026/17" in dc


def test_package_of_approved_minutes_has_the_minutes_as_pdfa(world):
    zf, summary = _open(world.public["held"])
    _check_structure_and_checksums(zf, summary)
    root = summary["objid"]
    pdf = zf.read(f"{root}/representations/rep1/data/minutes.pdf")
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="2"' in xmp and "/OutputIntents" in catalog
    record = zf.read(f"{root}/representations/rep1/data/meeting.json").decode()
    # The archive keeps the members-only parts too.
    assert "Sluten punkt om personal" in record and "Beslut om Punkt om samrådet" in record


def test_packages_are_refused_before_conclusion(world, tmp_path):
    open_consultation = ConsultationFactory(title="Pågående samråd")
    with pytest.raises(ValidationError) as refused:
        build_package(open_consultation, io.BytesIO())
    assert refused.value.code == "not_concluded"
    with pytest.raises(CommandError, match="avslutat samråd"):  # in the site language
        call_command("eark_package", "consultation", open_consultation.slug, output=str(tmp_path / "x.zip"))
    with pytest.raises(ValidationError):
        build_package(world.public["planned"], io.BytesIO())
    out = tmp_path / "sip.zip"
    call_command("eark_package", "meeting", str(world.public["held"].pk), output=str(out))
    assert zipfile.is_zipfile(out)
