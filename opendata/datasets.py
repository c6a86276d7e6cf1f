"""The open-data files: what each holds (only what a visitor sees on the site, from `opendata.selectors`),
its columns with a definition in both languages (the data dictionary), and writing it as CSV and JSON.

Another app joins the open data by registering a dataset:

    from opendata.datasets import Column, Dataset, register
    register(Dataset("activities", _("Activities of the action plan"), [Column("id", "integer", _("..."))],
                     rows=lambda: ...))

(the action plan's activities are meant to join this way, from that app's `AppConfig.ready`); the page,
the dictionary, the DCAT description, the beat task and the tests then cover it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from consultations import permissions as consultation_permissions
from consultations.models import InputMark, Outcome, SectionOutcome
from meetings import permissions as meeting_permissions
from organisations.attribution import attribution

from . import oparl, selectors


@dataclass
class Column:
    name: str
    kind: str  # integer, text, date-time, date, boolean, url
    description: str


@dataclass
class Dataset:
    name: str
    title: str
    columns: list[Column]
    rows: Callable[[], Iterable[dict]]
    description: str = ""

    def filename(self, fmt: str) -> str:
        return f"{settings.OPENDATA_DIR}/{self.name}.{fmt}"


DATASETS: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    DATASETS[dataset.name] = dataset
    return dataset


def _t(value):
    return oparl.iso(value) if value else ""


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _plain(html: str) -> str:
    return " ".join(strip_tags(html.replace("</p>", "</p> ")).split())


# --- Consultations ----------------------------------------------------------------------------------


def _consultation_rows():
    qs = selectors.public_consultations().prefetch_related("focus_areas").order_by("pk")
    for c in qs.iterator(chunk_size=500):
        yield {
            "id": c.pk,
            "title": c.title,
            "summary": c.summary,
            "development_area": c.development_area_id,
            "focus_areas": "; ".join(a.slug for a in c.focus_areas.all()),
            "reference_number": c.reference_number,
            "opens_at": _t(c.opens_at),
            "closes_at": _t(c.closes_at),
            "published_at": _t(c.published_at),
            "concluded_at": _t(c.concluded_at),
            "status": c.status,
            "current_version": c.current_version,
            "url": _site(c.get_absolute_url()),
        }


def _section_rows():
    from consultations.models import Section

    answers = {
        (a["outcome__consultation_id"], a["section_id"]): a["text"]
        for a in SectionOutcome.objects.filter(outcome__published_at__isnull=False).values(
            "outcome__consultation_id", "section_id", "text"
        )
    }
    sections = Section.objects.filter(
        consultation__in=selectors.public_consultations().values("pk")
    ).order_by("consultation_id", "sort_order", "pk")
    for s in sections.iterator(chunk_size=500):
        yield {
            "consultation_id": s.consultation_id,
            "section_key": str(s.key),
            "order": s.sort_order,
            "heading": s.heading,
            "text": _plain(s.body),
            "outcome_text": answers.get((s.consultation_id, s.pk), ""),
        }


def _outcome_rows():
    qs = Outcome.objects.filter(
        published_at__isnull=False, consultation__in=selectors.public_consultations().values("pk")
    ).order_by("consultation_id")
    for o in qs:
        yield {"consultation_id": o.consultation_id, "published_at": _t(o.published_at), "summary": o.summary}


def _mark_rows():
    """Marks of published outcomes, on public comments and on responses that were made public only."""
    public_comments = selectors.public_comments().values("pk")
    public_responses = selectors.public_response_versions().values("response_id")
    marks = InputMark.objects.filter(outcome__published_at__isnull=False).filter(
        comment__in=public_comments
    ) | InputMark.objects.filter(outcome__published_at__isnull=False, response__in=public_responses)
    for m in marks.select_related("outcome").order_by("pk"):
        yield {
            "consultation_id": m.outcome.consultation_id,
            "target": "comment" if m.comment_id else "response",
            "comment_id": m.comment_id or "",
            "response_id": m.response_id or "",
            "mark": m.mark,
            "rationale": m.rationale,
        }


def _comment_rows():
    qs = (
        selectors.public_comments()
        .select_related("author", "organisation", "section")
        .order_by("consultation_id", "created", "pk")
    )
    for c in qs.iterator(chunk_size=500):
        yield {
            "id": c.pk,
            "consultation_id": c.consultation_id,
            "section_key": str(c.section.key) if c.section_id else "",
            "reply_to": c.parent_id or "",
            "organisation": c.organisation.name,
            "signed": attribution(c.author, c.organisation),
            "written": _t(c.created),
            "edited": _t(c.edited_at),
            "version": c.version,
            "text": c.text,
        }


def _response_rows():
    qs = (
        selectors.public_response_versions()
        .select_related("response__organisation")
        .order_by("response__consultation_id", "response__organisation__name", "number")
    )
    for v in qs.iterator(chunk_size=200):
        yield {
            "receipt_number": v.receipt_number,
            "consultation_id": v.response.consultation_id,
            "response_id": v.response_id,
            "organisation": v.response.organisation.name,
            "version": v.number,
            "submitted_at": _t(v.submitted_at),
            "submitted_by": v.submitted_by_name,
            "text": v.text,
            "answers": json.dumps(v.answers, ensure_ascii=False),
            "sha256": v.sha256,
        }


# --- Meetings ---------------------------------------------------------------------------------------


def _meeting_rows():
    qs = selectors.public_meetings().select_related("minutes").order_by("pk")
    for m in qs.iterator(chunk_size=500):
        public_minutes = meeting_permissions.has_public_minutes(m)
        yield {
            "id": m.pk,
            "title": m.title,
            "kind": m.kind,
            "state": m.state,
            "start": _t(m.start),
            "end": _t(m.end),
            "place": m.place,
            "description": m.description,
            "minutes_published_at": _t(m.minutes.published_at) if public_minutes else "",
            "minutes_pdf": _site(f"/moten/{m.pk}/protokoll.pdf") if public_minutes else "",
            "url": _site(m.get_absolute_url()),
        }


def _agenda_rows():
    from meetings.models import AgendaItemNote

    qs = (
        selectors.public_agenda_items()
        .select_related("consultation")
        .prefetch_related(
            Prefetch("decisions", queryset=selectors.public_decisions(), to_attr="public_decisions"),
            Prefetch(
                "notes",
                queryset=AgendaItemNote.objects.filter(minutes__in=selectors.public_minutes().values("pk")),
                to_attr="public_notes",
            ),
        )
        .order_by("meeting_id", "sort_order", "pk")
    )
    for item in qs:
        decision = next(iter(item.public_decisions), None)
        note = next(iter(item.public_notes), None)
        consultation = item.consultation
        linked = consultation is not None and consultation_permissions.can_view(
            selectors.VISITOR, consultation
        )
        yield {
            "id": item.pk,
            "meeting_id": item.meeting_id,
            "number": item.number,
            "order": item.sort_order,
            "title": item.title,
            "description": item.description,
            "consultation_id": consultation.pk if linked else "",
            "note": note.text if note else "",
            "decision": decision.text if decision else "",
            "decision_result": decision.result if decision else "",
        }


def _action_rows():
    qs = selectors.public_action_items()
    for a in qs:
        yield {
            "id": a.pk,
            "meeting_id": a.minutes.meeting_id,
            "agenda_item_id": a.agenda_item_id or "",
            "description": a.description,
            "responsible_organisation": a.responsible_organisation.name
            if a.responsible_organisation_id
            else "",
            "responsible_unit": a.responsible_unit,
            "due_date": _t(a.due_date),
            "status": a.status,
        }


def _organisation_rows():
    for org in selectors.public_organisations():
        yield {
            "id": org.pk,
            "name": org.name,
            "kind": org.kind,
            "focus_areas": "; ".join(a.slug for a in org.focus_areas.all()),
            "city_districts": org.city_districts,
            "description": org.description,
            "website": org.website,
            "public_email": org.public_email,
            "url": _site(org.get_absolute_url()),
        }


C = Column
ID = C("id", "integer", _("The row's number in the portal; it never changes."))
CONSULTATION_ID = C("consultation_id", "integer", _("The consultation, by its id in consultations."))
MEETING_ID = C("meeting_id", "integer", _("The meeting, by its id in meetings."))

register(
    Dataset(
        "consultations",
        _("Consultations"),
        [
            ID,
            C("title", "text", _("Title of the consultation.")),
            C("summary", "text", _("Short summary of what the city asks about.")),
            C(
                "development_area",
                "text",
                _("The action plan's development area: knowledge, children or collaboration."),
            ),
            C(
                "focus_areas",
                "text",
                _("Focus areas (forms of racism), by their short name, separated by semicolons."),
            ),
            C("reference_number", "text", _("The city's diary number, if any.")),
            C("opens_at", "date-time", _("When the consultation opens for comments and responses.")),
            C("closes_at", "date-time", _("When the consultation closes.")),
            C("published_at", "date-time", _("When the consultation was published.")),
            C("concluded_at", "date-time", _("When the outcome was published; empty before that.")),
            C("status", "text", _("coming, open, closed or concluded, when the file was made.")),
            C("current_version", "integer", _("Number of the latest version of the text.")),
            C("url", "url", _("The consultation's page on the portal.")),
        ],
        _consultation_rows,
        _("Every published consultation."),
    )
)
register(
    Dataset(
        "sections",
        _("Sections of consultations"),
        [
            CONSULTATION_ID,
            C("section_key", "text", _("The section's stable key; comments refer to it.")),
            C("order", "integer", _("Position of the section in the text.")),
            C("heading", "text", _("Heading of the section.")),
            C("text", "text", _("Text of the section, without formatting.")),
            C("outcome_text", "text", _("The city's answer on how the input to this section was used.")),
        ],
        _section_rows,
        _("The current text of each published consultation, section by section, with the outcome."),
    )
)
register(
    Dataset(
        "outcomes",
        _("Outcomes of consultations"),
        [
            CONSULTATION_ID,
            C("published_at", "date-time", _("When the outcome was published.")),
            C("summary", "text", _("What the city did with the input.")),
        ],
        _outcome_rows,
        _("Published outcomes."),
    )
)
register(
    Dataset(
        "marks",
        _("Marks on comments and responses"),
        [
            CONSULTATION_ID,
            C("target", "text", _("comment or response: what the mark is on.")),
            C("comment_id", "integer", _("The comment, by its id in comments.")),
            C("response_id", "integer", _("The response, by response_id in responses.")),
            C("mark", "text", _("taken, partly, not_taken or noted: whether the input was taken on board.")),
            C("rationale", "text", _("The city's reason for the mark.")),
        ],
        _mark_rows,
        _("The coordinators' marks in published outcomes, on public comments and public responses."),
    )
)
register(
    Dataset(
        "comments",
        _("Comments"),
        [
            ID,
            CONSULTATION_ID,
            C("section_key", "text", _("The section commented on; empty for a comment on the whole text.")),
            C("reply_to", "integer", _("The comment this one replies to, if any.")),
            C("organisation", "text", _("The organisation the writer spoke for.")),
            C("signed", "text", _("How the comment is signed on the site: name and organisation.")),
            C("written", "date-time", _("When the comment was written.")),
            C("edited", "date-time", _("When the comment was last edited, if it was.")),
            C("version", "integer", _("The version of the text the comment was written on.")),
            C("text", "text", _("The comment.")),
        ],
        _comment_rows,
        _("Comments shown on the consultations' pages; hidden and deleted comments are left out."),
    )
)
register(
    Dataset(
        "responses",
        _("Submitted responses"),
        [
            C("receipt_number", "text", _("The receipt number the organisation got when it submitted.")),
            CONSULTATION_ID,
            C("response_id", "integer", _("The organisation's response; versions of one response share it.")),
            C("organisation", "text", _("The organisation that submitted the response.")),
            C("version", "integer", _("Version of the response; a later version replaces an earlier one.")),
            C("submitted_at", "date-time", _("When this version was submitted.")),
            C("submitted_by", "text", _("Who submitted it for the organisation.")),
            C("text", "text", _("The response.")),
            C("answers", "text", _("Answers to the guiding questions, as JSON.")),
            C("sha256", "text", _("SHA-256 checksum of the submitted version, as on the receipt.")),
        ],
        _response_rows,
        _("Submitted responses of closed consultations that made the responses public."),
    )
)
register(
    Dataset(
        "meetings",
        _("Meetings"),
        [
            ID,
            C("title", "text", _("Title of the meeting.")),
            C("kind", "text", _("reference_group, working_group, dialogue or workshop.")),
            C("state", "text", _("planned, held or cancelled.")),
            C("start", "date-time", _("When the meeting starts.")),
            C("end", "date-time", _("When the meeting ends.")),
            C("place", "text", _("Address and room; empty for online only.")),
            C("description", "text", _("Description of the meeting.")),
            C(
                "minutes_published_at",
                "date-time",
                _("When the minutes were published to everyone, if they were."),
            ),
            C("minutes_pdf", "url", _("The public minutes as PDF, if published to everyone.")),
            C("url", "url", _("The meeting's page on the portal.")),
        ],
        _meeting_rows,
        _("Public meetings, and meetings whose minutes were published to everyone."),
    )
)
register(
    Dataset(
        "agenda_items",
        _("Agenda items and decisions"),
        [
            ID,
            MEETING_ID,
            C("number", "text", _("The item's number on the agenda, if it has one.")),
            C("order", "integer", _("Position on the agenda.")),
            C("title", "text", _("Title of the agenda item.")),
            C("description", "text", _("Description of the agenda item.")),
            C("consultation_id", "integer", _("The consultation the item is about, if any.")),
            C("note", "text", _("Notes from the public minutes.")),
            C("decision", "text", _("The decision in the public minutes.")),
            C("decision_result", "text", _("adopted, rejected, postponed or noted.")),
        ],
        _agenda_rows,
        _("Public agenda items of those meetings, with notes and decisions from public minutes."),
    )
)
register(
    Dataset(
        "action_items",
        _("Action items"),
        [
            ID,
            MEETING_ID,
            C("agenda_item_id", "integer", _("The agenda item, by its id in agenda_items, if any.")),
            C("description", "text", _("What is to be done.")),
            C("responsible_organisation", "text", _("The organisation responsible, if any.")),
            C("responsible_unit", "text", _("The city unit responsible, if any.")),
            C("due_date", "date", _("When it is due.")),
            C("status", "text", _("open, done or cancelled.")),
        ],
        _action_rows,
        _("Action items of minutes published to everyone."),
    )
)
register(
    Dataset(
        "organisations",
        _("Organisations in the directory"),
        [
            ID,
            C("name", "text", _("Name of the organisation.")),
            C("kind", "text", _("Kind of organisation.")),
            C("focus_areas", "text", _("Focus areas, by their short name, separated by semicolons.")),
            C("city_districts", "text", _("Where in Stockholm the organisation works.")),
            C("description", "text", _("The organisation's own description.")),
            C("website", "url", _("The organisation's website.")),
            C("public_email", "text", _("The organisation's public e-mail address.")),
            C("url", "url", _("The organisation's page on the portal.")),
        ],
        _organisation_rows,
        _("Approved organisations that agreed to be listed in the public directory."),
    )
)


# --- Writing the files --------------------------------------------------------------------------------

CATALOGUE = "catalogue.json"


def _csv_bytes(dataset: Dataset, rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.name for c in dataset.columns], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _json_bytes(dataset: Dataset, rows: list[dict], generated: str) -> bytes:
    payload = {
        "dataset": dataset.name,
        "generated": generated,
        "license": settings.OPENDATA_LICENSE_URL,
        "dictionary": f"{settings.SITE_URL}/oppna-data/#{dataset.name}",
        "data": rows,
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


def _save(name: str, content: bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(content))


def build_all() -> dict:
    """Writes every dataset as CSV and JSON, then the catalogue (sizes, rows, SHA-256, time). Safe to run
    again at any time: each run replaces the files."""
    generated = oparl.iso(timezone.now())
    catalogue = {"generated": generated, "license": settings.OPENDATA_LICENSE_URL, "datasets": {}}
    for dataset in DATASETS.values():
        rows = list(dataset.rows())
        entry = {"rows": len(rows), "files": {}}
        for fmt, content in (
            ("csv", _csv_bytes(dataset, rows)),
            ("json", _json_bytes(dataset, rows, generated)),
        ):
            _save(dataset.filename(fmt), content)
            entry["files"][fmt] = {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        catalogue["datasets"][dataset.name] = entry
    _save(f"{settings.OPENDATA_DIR}/{CATALOGUE}", json.dumps(catalogue, indent=1).encode("utf-8"))
    return catalogue


def catalogue() -> dict | None:
    name = f"{settings.OPENDATA_DIR}/{CATALOGUE}"
    if not default_storage.exists(name):
        return None
    with default_storage.open(name) as f:
        return json.loads(f.read())
