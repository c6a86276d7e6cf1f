"""Archival information packages for the city archive: E-ARK CSIP / SIP 2.x (the structure the Swedish
National Archives' FGS Package Structure 2.0 follows), as one ZIP file with a root folder:

    <OBJID>/METS.xml                                  root METS: every file with SHA-256, MIME type, size
    <OBJID>/metadata/descriptive/dc.xml               Dublin Core description
    <OBJID>/metadata/preservation/premis.xml          PREMIS: objects with fixity, events from the audit trail
    <OBJID>/representations/rep1/METS.xml             representation METS
    <OBJID>/representations/rep1/data/...             the records: JSON, HTML, PDF/A, submitted files

A concluded consultation gives every text version, every submitted response version with its files (their
SHA-256 equal those on the receipts), the outcome and the consultation's audit trail; approved minutes
give the minutes (PDF/A and HTML), decisions, action items, attendance and documents. Files are copied
into the ZIP in chunks while their checksum is computed, so memory stays bounded by the largest
generated record, not by the attachments. Packages are for the archive, not the public: they hold
members-only parts too, and only coordinators start them.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations.models import Consultation, ConsultationVersion, ResponseVersion
from meetings import selectors as meeting_selectors
from meetings.models import Meeting, Minutes
from portal.models import AuditEntry

CHUNK = 1024 * 1024
PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
CONTENT_INFORMATION_TYPE = "Stockholm reference group portal records (JSON, HTML, PDF/A)"
SIP_NS = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"


def _iso(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


@dataclass
class Entry:
    path: str  # relative to the package root
    size: int
    sha256: str
    mimetype: str
    created: str
    use: str = "data"


@dataclass
class PackageWriter:
    zf: zipfile.ZipFile
    root: str
    entries: list[Entry] = field(default_factory=list)

    def add_bytes(self, path: str, content: bytes, mimetype: str | None = None, use: str = "data") -> Entry:
        with self.zf.open(f"{self.root}/{path}", "w") as out:
            out.write(content)
        return self._record(path, len(content), hashlib.sha256(content).hexdigest(), mimetype, use)

    def add_stream(self, path: str, stream, mimetype: str | None = None) -> Entry:
        digest, size = hashlib.sha256(), 0
        with self.zf.open(f"{self.root}/{path}", "w", force_zip64=True) as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        return self._record(path, size, digest.hexdigest(), mimetype, "data")

    def add_json(self, path: str, payload) -> Entry:
        return self.add_bytes(
            path, json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode(), "application/json"
        )

    def _record(self, path, size, sha256, mimetype, use) -> Entry:
        entry = Entry(
            path,
            size,
            sha256,
            mimetype or mimetypes.guess_type(path)[0] or "application/octet-stream",
            _iso(timezone.now()),
            use,
        )
        if use == "data":
            self.entries.append(entry)
        return entry


def _audit(target_models: list) -> list[AuditEntry]:
    entries = AuditEntry.objects.none()
    for obj in target_models:
        entries = entries | AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
    return list(entries.select_related("actor").order_by("created", "pk"))


def pdfa(html: str) -> bytes:
    """A PDF/A-2b document from the portal's own HTML (fonts embedded; only data: URLs fetched)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf(
        pdf_variant="pdf/a-2b"
    )


# --- What goes in ----------------------------------------------------------------------------------------


def check_archivable(target) -> None:
    """Raises, with the reason, when `target` may not be archived yet: a consultation must be concluded
    (its outcome published), a meeting's minutes approved."""
    if isinstance(target, Consultation):
        if target.concluded_at is None:
            raise ValidationError(
                _(
                    "Only a concluded consultation (its outcome published) can be archived. "
                    "This one is %(status)s."
                )
                % {"status": target.get_status_display()},
                code="not_concluded",
            )
        return
    minutes = Minutes.objects.filter(meeting=target).first()
    if minutes is None or not minutes.is_locked:
        raise ValidationError(_("Only approved minutes can be archived."), code="not_approved")


def _consultation_records(writer: PackageWriter, consultation: Consultation) -> tuple[dict, list]:
    check_archivable(consultation)
    for version in ConsultationVersion.objects.filter(consultation=consultation).order_by("number"):
        html = render_to_string(
            "opendata/archive_version.html", {"consultation": consultation, "version": version}
        )
        writer.add_bytes(
            f"representations/rep1/data/text/version-{version.number}.html", html.encode(), "text/html"
        )
        writer.add_json(
            f"representations/rep1/data/text/version-{version.number}.json",
            {
                "number": version.number,
                "created": version.created,
                "change_note": version.change_note,
                **version.snapshot,
            },
        )
    responses = []
    versions = (
        ResponseVersion.objects.filter(response__consultation=consultation)
        .select_related("response__organisation")
        .prefetch_related("files")
        .order_by("response__organisation__name", "number")
    )
    for version in versions:
        folder = f"representations/rep1/data/responses/{version.receipt_number}"
        files = []
        for f in version.files.all():
            with f.file.open("rb") as stream:
                entry = writer.add_stream(f"{folder}/{f.name}", stream, f.content_type)
            files.append(
                {"name": f.name, "size": entry.size, "sha256": entry.sha256, "receipt_sha256": f.sha256}
            )
        record = {
            "receipt_number": version.receipt_number,
            "organisation": version.response.organisation.name,
            "version": version.number,
            "submitted_at": version.submitted_at,
            "submitted_by": version.submitted_by_name,
            "sha256": version.sha256,
            "text": version.text,
            "answers": version.answers,
            "files": files,
        }
        writer.add_json(f"{folder}/response.json", record)
        responses.append(record)
    outcome = getattr(consultation, "outcome", None)
    writer.add_json(
        "representations/rep1/data/consultation.json",
        {
            "title": consultation.title,
            "reference_number": consultation.reference_number,
            "summary": consultation.summary,
            "opens_at": consultation.opens_at,
            "closes_at": consultation.closes_at,
            "published_at": consultation.published_at,
            "concluded_at": consultation.concluded_at,
            "outcome": {
                "summary": outcome.summary,
                "published_at": outcome.published_at,
                "sections": [
                    {"section": a.section.heading, "text": a.text}
                    for a in outcome.section_answers.select_related("section")
                ],
                "marks": [
                    {
                        "comment": m.comment_id,
                        "response": m.response_id,
                        "mark": m.mark,
                        "rationale": m.rationale,
                    }
                    for m in outcome.marks.all()
                ],
            }
            if outcome
            else None,
            "responses": [r["receipt_number"] for r in responses],
        },
    )
    description = {
        "title": consultation.title,
        "identifier": consultation.reference_number or f"consultation-{consultation.pk}",
        "description": consultation.summary,
        "type": "samråd",
        "date": consultation.concluded_at,
    }
    return description, _audit([consultation, *([outcome] if outcome else [])])


def _meeting_records(writer: PackageWriter, meeting: Meeting) -> tuple[dict, list]:
    check_archivable(meeting)
    minutes = Minutes.objects.get(meeting=meeting)
    content = meeting_selectors.minutes_content(minutes)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "agenda": meeting_selectors.agenda_with_minutes(meeting, minutes, members_only=True),
        "general_action_items": [a for a in content["action_items"] if a.agenda_item_id is None],
        "corrections": content["corrections"],
        "attendances": list(meeting.attendances.select_related("organisation", "user")),
        "generated": minutes.approved_at,
    }
    html = render_to_string("meetings/minutes_pdf.html", context)
    writer.add_bytes("representations/rep1/data/minutes.html", html.encode(), "text/html")
    writer.add_bytes("representations/rep1/data/minutes.pdf", pdfa(html), "application/pdf")
    writer.add_json(
        "representations/rep1/data/meeting.json",
        {
            "title": meeting.title,
            "start": meeting.start,
            "end": meeting.end,
            "place": meeting.place,
            "state": meeting.state,
            "minutes": {"state": minutes.state, "approved_at": minutes.approved_at, "sha256": minutes.sha256},
            "agenda": [
                {
                    "number": row["number"],
                    "title": row["item"].title,
                    "public": row["item"].is_public,
                    "note": row["note"].text if row["note"] else "",
                    "decision": row["decision"].text if row["decision"] else "",
                    "result": row["decision"].result if row["decision"] else "",
                }
                for row in context["agenda"]
            ],
            "action_items": [
                {
                    "description": a.description,
                    "responsible": a.responsible_display,
                    "due_date": a.due_date,
                    "status": a.status,
                }
                for a in content["action_items"]
            ],
            "attendance": [str(a) for a in context["attendances"]],
        },
    )
    documents = [link.document for link in meeting.meeting_documents.select_related("document")]
    for item in meeting.agenda_items.all():
        documents += list(item.documents.all())
    for doc in {d.pk: d for d in documents}.values():
        with doc.file.open("rb") as stream:
            writer.add_stream(f"representations/rep1/data/documents/{doc.pk}-{doc.filename}", stream)
    description = {
        "title": str(minutes),
        "identifier": f"meeting-{meeting.pk}",
        "description": meeting.description,
        "type": "protokoll",
        "date": minutes.approved_at,
    }
    return description, _audit([meeting, minutes])


# --- Metadata -------------------------------------------------------------------------------------------


def _dc(description: dict, objid: str) -> bytes:
    fields = {
        "title": description["title"],
        "identifier": description["identifier"],
        "description": description["description"],
        "type": description["type"],
        "date": _iso(description["date"]) if description["date"] else "",
        "creator": getattr(settings, "OPARL_BODY_NAME", "Stockholms stad"),
        "publisher": getattr(settings, "OPARL_BODY_NAME", "Stockholms stad"),
        "language": "sv",
        "source": objid,
    }
    body = "".join(f"  <dc:{k}>{escape(str(v))}</dc:{k}>\n" for k, v in fields.items() if v)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n' + body + "</metadata>\n"
    ).encode()


SOFTWARE_AGENTS = ("portal", "Referensgruppsportalen")
PREMIS_EVENTS = {
    "publish": "publication",
    "submit": "submission",
    "approve": "approval",
    "outcome": "publication",
    "minutes_publish": "publication",
    "minutes_approve": "approval",
}


def _event_type(action: str) -> str:
    name = action.split(".", 1)[-1]
    for key, value in PREMIS_EVENTS.items():
        if key in name:
            return value
    return name


def _premis(writer: PackageWriter, audit: list[AuditEntry], responses: list[ResponseVersion]) -> bytes:
    objects = "".join(
        f"""  <premis:object xsi:type="premis:file">
    <premis:objectIdentifier><premis:objectIdentifierType>local</premis:objectIdentifierType><premis:objectIdentifierValue>{escape(e.path)}</premis:objectIdentifierValue></premis:objectIdentifier>
    <premis:objectCharacteristics>
      <premis:compositionLevel>0</premis:compositionLevel>
      <premis:fixity><premis:messageDigestAlgorithm>SHA-256</premis:messageDigestAlgorithm><premis:messageDigest>{e.sha256}</premis:messageDigest></premis:fixity>
      <premis:size>{e.size}</premis:size>
      <premis:format><premis:formatDesignation><premis:formatName>{escape(e.mimetype)}</premis:formatName></premis:formatDesignation></premis:format>
    </premis:objectCharacteristics>
  </premis:object>
"""
        for e in writer.entries
    )
    events, agents = [], {}

    def event(kind: str, when, detail: str, agent: str):
        agents.setdefault(agent, f"agent-{len(agents) + 1}")
        events.append(
            f"""  <premis:event>
    <premis:eventIdentifier>
      <premis:eventIdentifierType>local</premis:eventIdentifierType>
      <premis:eventIdentifierValue>event-{len(events) + 1}</premis:eventIdentifierValue>
    </premis:eventIdentifier>
    <premis:eventType>{escape(kind)}</premis:eventType>
    <premis:eventDateTime>{_iso(when)}</premis:eventDateTime>
    <premis:eventDetailInformation><premis:eventDetail>{escape(detail)}</premis:eventDetail></premis:eventDetailInformation>
    <premis:linkingAgentIdentifier><premis:linkingAgentIdentifierType>local</premis:linkingAgentIdentifierType><premis:linkingAgentIdentifierValue>{agents[agent]}</premis:linkingAgentIdentifierValue></premis:linkingAgentIdentifier>
  </premis:event>
"""
        )

    for entry in audit:
        event(
            _event_type(entry.action),
            entry.created,
            entry.action,
            entry.actor.get_display_name() if entry.actor else "portal",
        )
    for version in responses:
        event(
            "submission",
            version.submitted_at,
            f"response {version.receipt_number} (SHA-256 {version.sha256})",
            version.submitted_by_name or "portal",
        )
    event("creation", timezone.now(), "information package created", "Referensgruppsportalen")
    agent_xml = "".join(
        f"""  <premis:agent>
    <premis:agentIdentifier><premis:agentIdentifierType>local</premis:agentIdentifierType><premis:agentIdentifierValue>{ident}</premis:agentIdentifierValue></premis:agentIdentifier>
    <premis:agentName>{escape(name)}</premis:agentName>
    <premis:agentType>{"software" if name in SOFTWARE_AGENTS else "person"}</premis:agentType>
  </premis:agent>
"""
        for name, ident in agents.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<premis:premis xmlns:premis="http://www.loc.gov/premis/v3" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0">\n'
        + objects
        + "".join(events)
        + agent_xml
        + "</premis:premis>\n"
    ).encode()


def _file_xml(entry: Entry, ident: str, href: str) -> str:
    return (
        f'      <mets:file ID="{ident}" MIMETYPE={quoteattr(entry.mimetype)} SIZE="{entry.size}" '
        f'CREATED="{entry.created}" CHECKSUM="{entry.sha256}" CHECKSUMTYPE="SHA-256">\n'
        f'        <mets:FLocat LOCTYPE="URL" xlink:type="simple" xlink:href={quoteattr(href)}/>\n'
        "      </mets:file>\n"
    )


def _mets(
    objid: str,
    label: str,
    *,
    files: list[tuple[str, Entry, str]],
    dmd: Entry | None,
    premis: Entry | None,
    rep_mets: Entry | None,
    representation: bool,
    documentation: Entry | None = None,
) -> bytes:
    now = _iso(timezone.now())
    content_type = "OTHER" if representation else "OTHER"
    # The records follow no E-ARK content information type specification (CITS) of their own.
    cits = (
        f'csip:CONTENTINFORMATIONTYPE="OTHER" csip:OTHERCONTENTINFORMATIONTYPE="{CONTENT_INFORMATION_TYPE}"'
    )
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'xmlns:csip="{CSIP_NS}" xmlns:sip="{SIP_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'OBJID={quoteattr(objid)} LABEL={quoteattr(label)} TYPE="Mixed" csip:CONTENTINFORMATIONTYPE="MIXED" '
        f'csip:OTHERTYPE="{content_type}" PROFILE="{PROFILE}">\n'
        f'  <mets:metsHdr CREATEDATE="{now}" LASTMODDATE="{now}" RECORDSTATUS="NEW" '
        'csip:OAISPACKAGETYPE="SIP">\n'
        '    <mets:agent ROLE="CREATOR" TYPE="OTHER" OTHERTYPE="SOFTWARE">\n'
        "      <mets:name>Referensgruppsportalen</mets:name>\n"
        '      <mets:note csip:NOTETYPE="SOFTWARE VERSION">1</mets:note>\n'
        "    </mets:agent>\n"
        '    <mets:agent ROLE="ARCHIVIST" TYPE="ORGANIZATION">\n'
        f"      <mets:name>{escape(getattr(settings, 'OPARL_BODY_NAME', 'Stockholms stad'))}</mets:name>\n"
        "    </mets:agent>\n"
        "  </mets:metsHdr>\n"
    )
    parts = [head]
    if dmd is not None:
        parts.append(
            f'  <mets:dmdSec ID="dmd-1" CREATED="{dmd.created}" STATUS="CURRENT">\n'
            f'    <mets:mdRef LOCTYPE="URL" MDTYPE="DC" xlink:type="simple" xlink:href="{dmd.path}" '
            f'MIMETYPE="text/xml" SIZE="{dmd.size}" CREATED="{dmd.created}" '
            f'CHECKSUM="{dmd.sha256}" CHECKSUMTYPE="SHA-256"/>\n'
            "  </mets:dmdSec>\n"
        )
    if premis is not None:
        parts.append(
            "  <mets:amdSec>\n"
            f'    <mets:digiprovMD ID="premis-1" STATUS="CURRENT">\n'
            f'      <mets:mdRef LOCTYPE="URL" MDTYPE="PREMIS" xlink:type="simple" xlink:href="{premis.path}" '
            f'MIMETYPE="text/xml" SIZE="{premis.size}" CREATED="{premis.created}" '
            f'CHECKSUM="{premis.sha256}" CHECKSUMTYPE="SHA-256"/>\n'
            "    </mets:digiprovMD>\n"
            "  </mets:amdSec>\n"
        )
    parts.append('  <mets:fileSec ID="filesec-1">\n')
    if documentation is not None:
        parts.append(f'    <mets:fileGrp ID="grp-documentation" USE="Documentation" {cits}>\n')
        parts.append(_file_xml(documentation, "file-documentation", documentation.path))
        parts.append("    </mets:fileGrp>\n")
    if rep_mets is not None:
        parts.append(f'    <mets:fileGrp ID="grp-rep1" USE="Representations/rep1" {cits}>\n')
        parts.append(_file_xml(rep_mets, "file-rep1-mets", rep_mets.path))
        for ident, entry, href in files:
            parts.append(_file_xml(entry, ident, href))
        parts.append("    </mets:fileGrp>\n")
    else:
        parts.append(f'    <mets:fileGrp ID="grp-data" USE="Data" {cits}>\n')
        for ident, entry, href in files:
            parts.append(_file_xml(entry, ident, href))
        parts.append("    </mets:fileGrp>\n")
    parts.append("  </mets:fileSec>\n")
    parts.append(
        '  <mets:structMap ID="struct-1" TYPE="PHYSICAL" LABEL="CSIP">\n'
        f'    <mets:div ID="div-root" LABEL={quoteattr(objid)}>\n'
    )
    if dmd is not None or premis is not None:
        attrs = " ".join(
            a for a in ('DMDID="dmd-1"' if dmd else "", 'ADMID="premis-1"' if premis else "") if a
        )
        parts.append(f'      <mets:div ID="div-metadata" LABEL="Metadata" {attrs}/>\n')
    if documentation is not None:
        parts.append(
            '      <mets:div ID="div-documentation" LABEL="Documentation">\n'
            '        <mets:fptr FILEID="grp-documentation"/>\n      </mets:div>\n'
        )
    if rep_mets is not None:
        parts.append(
            '      <mets:div ID="div-representations" LABEL="Representations">\n'
            '        <mets:fptr FILEID="grp-rep1"/>\n'
            '        <mets:div ID="div-rep1" LABEL="Representations/rep1">\n'
            '          <mets:mptr xlink:type="simple" LOCTYPE="URL" '
            f'xlink:href="{rep_mets.path}" xlink:title="grp-rep1"/>\n        </mets:div>\n      </mets:div>\n'
        )
    else:
        parts.append('      <mets:div ID="div-data" LABEL="Data">\n')
        for ident, _entry, _href in files:
            parts.append(f'        <mets:fptr FILEID="{ident}"/>\n')
        parts.append("      </mets:div>\n")
    parts.append("    </mets:div>\n  </mets:structMap>\n</mets:mets>\n")
    return "".join(parts).encode()


# --- The package ----------------------------------------------------------------------------------------


def build_package(target, out, progress=None) -> dict:
    """Writes the package of `target` (a Consultation or a Meeting) to the binary file `out` (a path or a
    file object). Refuses, with a reason, a consultation that is not concluded or minutes not approved.
    Returns a summary: OBJID and every file's path, size and SHA-256. `progress(percent)`, if given, is
    called as the records, the metadata and the METS files are written."""
    report = progress or (lambda percent: None)
    kind = "consultation" if isinstance(target, Consultation) else "meeting"
    objid = f"uuid-{uuid.uuid4()}"
    with (
        translation.override(settings.LANGUAGE_CODE),
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf,
    ):
        writer = PackageWriter(zf, objid)
        if kind == "consultation":
            description, audit = _consultation_records(writer, target)
            responses = list(ResponseVersion.objects.filter(response__consultation=target))
        else:
            description, audit = _meeting_records(writer, target)
            responses = []
        report(70)
        dmd = writer.add_bytes(
            "metadata/descriptive/dc.xml", _dc(description, objid), "text/xml", use="metadata"
        )
        premis = writer.add_bytes(
            "metadata/preservation/premis.xml", _premis(writer, audit, responses), "text/xml", use="metadata"
        )
        documentation = writer.add_bytes(
            "documentation/om-paketet.html",
            render_to_string(
                "opendata/archive/documentation.html",
                {"kind": kind, "description": description, "objid": objid},
            ).encode(),
            "text/html",
            use="documentation",
        )
        report(85)
        data = [(f"file-{n}", e, e.path) for n, e in enumerate(writer.entries, start=1)]
        rep_prefix = "representations/rep1/"
        rep_files = [(ident, e, e.path[len(rep_prefix) :]) for ident, e, _ in data]
        rep_mets = writer.add_bytes(
            f"{rep_prefix}METS.xml",
            _mets(
                f"{objid}-rep1",
                description["title"],
                files=rep_files,
                dmd=None,
                premis=None,
                rep_mets=None,
                representation=True,
            ),
            "text/xml",
            use="metadata",
        )
        root = _mets(
            objid,
            description["title"],
            files=data,
            dmd=dmd,
            premis=premis,
            rep_mets=rep_mets,
            representation=False,
            documentation=documentation,
        )
        with zf.open(f"{objid}/METS.xml", "w") as f:
            f.write(root)
    return {
        "objid": objid,
        "kind": kind,
        "files": [{"path": e.path, "size": e.size, "sha256": e.sha256} for e in writer.entries],
    }
