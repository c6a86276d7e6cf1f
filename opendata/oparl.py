"""The OParl 1.1 objects of the portal: which rows each type is made of, and how one row is written.

An OParl type is made of one or more *sources*. A source is a queryset of public rows (from
`opendata.selectors`) or a fixed list (the reference group, the legislative terms), with the key each row
has in its URL (`/oparl/v1/<type path>/<key>/`). A list page walks the sources in order, so the order of
the list is stable (source, then primary key) and a page costs a fixed number of queries: a count per
source and one query (plus its prefetches) per source on the page.

Joining more data later (the action plan's activities, for example) means adding a source to a type, or a
type with its sources, in `TYPES` below; the views, pagination, filters, caching and the schema test then
apply to it unchanged.
"""

from __future__ import annotations

import mimetypes
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from consultations import permissions as consultation_permissions
from consultations.models import Outcome
from meetings import permissions as meeting_permissions

from . import selectors
from .models import Tombstone

OPARL_VERSION = "https://schema.oparl.org/1.1/"
REFERENCE_GROUP_KEY = "reference-group"
BODY_KEY = "1"


def type_url(name: str) -> str:
    return f"{OPARL_VERSION}{name}"


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def setting(name: str, default):
    return getattr(settings, name, default)


def oparl_since() -> datetime:
    value = setting("OPARL_SINCE", "2026-01-01T00:00:00+01:00")
    return value if isinstance(value, datetime) else parse_datetime(value)


def license_url() -> str:
    return setting("OPENDATA_LICENSE_URL", "https://creativecommons.org/publicdomain/zero/1.0/")


@dataclass
class Context:
    """What a serializer needs from the request: absolute addresses, built without a query."""

    request: Any
    omit_internal: bool = False
    base: str = ""

    def __post_init__(self):
        self.base = self.request.build_absolute_uri(reverse("oparl:system"))

    def url(self, path: str, key: Any = None) -> str:
        return f"{self.base}{path}/" if key is None else f"{self.base}{path}/{key}/"

    def web(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    @property
    def body(self) -> str:
        return self.url("body", BODY_KEY)

    @property
    def reference_group(self) -> str:
        return self.url("organization", REFERENCE_GROUP_KEY)


def _clean(obj: dict) -> dict:
    """OParl leaves out properties without a value rather than writing null or an empty list."""
    return {k: v for k, v in obj.items() if v not in (None, "", [])}


def _stamp(obj: dict, created, modified) -> dict:
    obj["created"] = iso(created)
    obj["modified"] = iso(max(created, modified) if modified else created)
    return obj


# --- Sources ------------------------------------------------------------------------------------------

FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


@dataclass
class Source:
    """Rows of one kind. `key_of(row)` and `pattern` (with a group `value`) translate between a row and the
    key in its URL; `lookup` names the field that `value` matches."""

    serialize: Callable
    rows: Callable[[], QuerySet] | None = None
    items: Callable[[], list] | None = None
    prefix: str = ""
    suffix: str = ""
    lookup: str = "pk"
    key_field: str = "pk"
    created: str = "created"
    modified: str = "modified"
    prepare: Callable[[QuerySet], QuerySet] = lambda qs: qs

    def key_of(self, row) -> str:
        value = row[self.key_field] if isinstance(row, dict) else getattr(row, self.key_field)
        return f"{self.prefix}{value}{self.suffix}"

    def match(self, key: str):
        pattern = rf"^{re.escape(self.prefix)}(?P<value>[0-9]+){re.escape(self.suffix)}$"
        if self.items is not None:
            return next((row for row in self.items() if self.key_of(row) == key), None)
        found = re.match(pattern, key)
        return found.group("value") if found else None

    def _filtered(self, filters: dict) -> QuerySet:
        qs = self.rows()
        for name, value in filters.items():
            column = self.created if name.startswith("created") else self.modified
            op = "gte" if name.endswith("since") else "lte"
            qs = qs.filter(**{f"{column}__{op}": value})
        return qs.order_by("pk")

    def _filtered_items(self, filters: dict) -> list:
        rows = []
        for row in self.items():
            keep = True
            for name, value in filters.items():
                stamp = row[self.created] if name.startswith("created") else row[self.modified]
                keep &= stamp >= value if name.endswith("since") else stamp <= value
            if keep:
                rows.append(row)
        return rows

    def count(self, filters: dict) -> int:
        if self.items is not None:
            return len(self._filtered_items(filters))
        return self._filtered(filters).count()

    def page(self, filters: dict, offset: int, limit: int) -> list:
        if self.items is not None:
            return self._filtered_items(filters)[offset : offset + limit]
        return list(self.prepare(self._filtered(filters))[offset : offset + limit])

    def get(self, key: str):
        value = self.match(key)
        if value is None or self.items is not None:
            return value
        return self.prepare(self.rows()).filter(**{self.lookup: value}).first()


@dataclass
class OParlType:
    name: str
    path: str  # of one object: /oparl/v1/<path>/<key>/
    list_path: str  # of the external list: /oparl/v1/<list_path>/
    sources: list[Source] = field(default_factory=list)

    def tombstones(self) -> Source:
        return Source(
            serialize=lambda ctx, stone: tombstone(ctx, self, stone),
            rows=lambda: Tombstone.objects.filter(oparl_type=self.name),
            key_field="key",
            lookup="key",
            created="created",
            modified="deleted_at",
        )

    def find(self, key: str):
        """(source, row) for a live public object with this key, else (tombstone source, stone), else None."""
        for source in self.sources:
            row = source.get(key)
            if row is not None:
                return source, row
        stone = Tombstone.objects.filter(oparl_type=self.name, key=key).first()
        if stone is not None:
            return self.tombstones(), stone
        return None


def tombstone(ctx: Context, kind: OParlType, stone: Tombstone) -> dict:
    return {
        "id": ctx.url(kind.path, stone.key),
        "type": type_url(kind.name),
        "created": iso(stone.created),
        "modified": iso(stone.deleted_at),
        "deleted": True,
        **stone.extra,
    }


# --- Fixed objects: system, body, reference group, legislative terms ------------------------------------


def body_name() -> str:
    return setting("OPARL_BODY_NAME", "Stockholms stad")


def reference_group_name() -> str:
    return setting("OPARL_REFERENCE_GROUP_NAME", _("The reference group against racism"))


def system(ctx: Context) -> dict:
    since = oparl_since()
    return _clean(
        {
            "id": ctx.base,
            "type": type_url("System"),
            "oparlVersion": OPARL_VERSION,
            "license": license_url(),
            "body": ctx.url("bodies"),
            "name": _("The reference group portal: open data (OParl)"),
            "contactEmail": setting("OPARL_CONTACT_EMAIL", ""),
            "website": ctx.web(reverse("opendata:index")),
            "created": iso(since),
            "modified": iso(since),
            "web": ctx.web(reverse("opendata:api")),
        }
    )


def legislative_terms() -> list[dict]:
    since = oparl_since()
    terms = setting(
        "OPARL_LEGISLATIVE_TERMS",
        [{"key": "1", "name": "Stockholms stads handlingsplan mot rasism"}],
    )
    return [{"created": since, "modified": since, **term} for term in terms]


def legislative_term(ctx: Context, term: dict) -> dict:
    return _clean(
        {
            "id": ctx.url("legislativeterm", term["key"]),
            "type": type_url("LegislativeTerm"),
            "body": ctx.body,
            "name": term["name"],
            "startDate": term.get("startDate"),
            "endDate": term.get("endDate"),
            "license": license_url(),
            "created": iso(term["created"]),
            "modified": iso(term["modified"]),
        }
    )


def body(ctx: Context, _row=None) -> dict:
    since = oparl_since()
    return _clean(
        {
            "id": ctx.body,
            "type": type_url("Body"),
            "system": ctx.base,
            "shortName": setting("OPARL_BODY_SHORT_NAME", "Stockholm"),
            "name": body_name(),
            "website": setting("OPARL_BODY_WEBSITE", "https://start.stockholm/"),
            "license": license_url(),
            "licenseValidSince": iso(since),
            "oparlSince": iso(since),
            "contactEmail": setting("OPARL_CONTACT_EMAIL", ""),
            "classification": _("municipality"),
            "organization": ctx.url("organizations"),
            "person": ctx.url("persons"),
            "meeting": ctx.url("meetings"),
            "paper": ctx.url("papers"),
            "legislativeTerm": [legislative_term(ctx, t) for t in legislative_terms()],
            "agendaItem": ctx.url("agendaitems"),
            "consultation": ctx.url("consultations"),
            "file": ctx.url("files"),
            "locationList": ctx.url("locations"),
            "legislativeTermList": ctx.url("legislativeterms"),
            "membership": ctx.url("memberships"),
            "created": iso(since),
            "modified": iso(since),
            "web": ctx.web("/"),
        }
    )


def _reference_group_items() -> list[dict]:
    since = oparl_since()
    return [{"key": REFERENCE_GROUP_KEY, "created": since, "modified": since}]


def reference_group(ctx: Context, row: dict) -> dict:
    coordinators = list(selectors.public_persons().order_by("pk").values_list("pk", flat=True))
    return _clean(
        {
            "id": ctx.reference_group,
            "type": type_url("Organization"),
            "body": ctx.body,
            "name": reference_group_name(),
            "organizationType": _("reference group"),
            "classification": _("reference group"),
            "membership": [ctx.url("membership", f"coordinator-{pk}") for pk in coordinators],
            "license": license_url(),
            "created": iso(row["created"]),
            "modified": iso(row["modified"]),
            "web": ctx.web(reverse("organisations:directory")),
        }
    )


# --- Organisations and people -------------------------------------------------------------------------


def organisation(ctx: Context, org) -> dict:
    return _clean(
        _stamp(
            {
                "id": ctx.url("organization", org.pk),
                "type": type_url("Organization"),
                "body": ctx.body,
                "name": org.name,
                "organizationType": _("civil-society organisation"),
                "classification": str(org.get_kind_display()),
                "website": org.website,
                "keyword": [area.name_sv for area in org.focus_areas.all()],
                "license": license_url(),
                "web": ctx.web(org.get_absolute_url()),
            },
            org.created,
            org.modified,
        )
    )


def membership(ctx: Context, user) -> dict:
    return _clean(
        {
            "id": ctx.url("membership", f"coordinator-{user.pk}"),
            "type": type_url("Membership"),
            "person": ctx.url("person", user.pk),
            "organization": ctx.reference_group,
            "role": _("coordinator"),
            "votingRight": False,
            "license": license_url(),
            "created": iso(user.date_joined),
            "modified": iso(user.date_joined),
        }
    )


def person(ctx: Context, user) -> dict:
    obj = {
        "id": ctx.url("person", user.pk),
        "type": type_url("Person"),
        "body": ctx.body,
        "name": user.get_display_name(),
        "familyName": user.last_name,
        "givenName": user.first_name,
        "status": [_("coordinator")],
        "license": license_url(),
        "created": iso(user.date_joined),
        "modified": iso(user.date_joined),
    }
    if not ctx.omit_internal:
        obj["membership"] = [membership(ctx, user)]
    return _clean(obj)


# --- Files --------------------------------------------------------------------------------------------


def document_file(ctx: Context, doc) -> dict:
    filename = os.path.basename(doc.file.name)
    return _clean(
        {
            "id": ctx.url("file", f"document-{doc.pk}"),
            "type": type_url("File"),
            "name": doc.title,
            "fileName": filename,
            "mimeType": mimetypes.guess_type(filename)[0] or "application/octet-stream",
            "date": iso(timezone.localtime(doc.created_at).date()),
            "size": doc.file_size,
            "sha1Checksum": doc.file_hash if len(doc.file_hash or "") == 40 else None,
            "accessUrl": ctx.web(doc.url),
            "downloadUrl": ctx.web(doc.url),
            "license": license_url(),
            "created": iso(doc.created_at),
            "modified": iso(doc.created_at),
        }
    )


def _minutes_title(minutes) -> str:
    return _("Minutes: %(meeting)s") % {"meeting": minutes.meeting.title}


def minutes_pdf_file(ctx: Context, minutes) -> dict:
    meeting_id = minutes.meeting_id
    return _clean(
        _stamp(
            {
                "id": ctx.url("file", f"minutes-{meeting_id}-pdf"),
                "type": type_url("File"),
                "name": _minutes_title(minutes),
                "fileName": f"protokoll-{meeting_id}.pdf",
                "mimeType": "application/pdf",
                "date": iso(timezone.localtime(minutes.published_at or minutes.modified).date()),
                "accessUrl": ctx.web(reverse("meetings:minutes_pdf", kwargs={"pk": meeting_id})),
                "downloadUrl": ctx.web(reverse("meetings:minutes_pdf", kwargs={"pk": meeting_id})),
                "masterFile": ctx.url("file", f"minutes-{meeting_id}-html"),
                "meeting": [ctx.url("meeting", meeting_id)],
                "license": license_url(),
                "web": ctx.web(minutes.get_absolute_url()),
            },
            minutes.created,
            minutes.modified,
        )
    )


def minutes_html_file(ctx: Context, minutes) -> dict:
    meeting_id = minutes.meeting_id
    content = reverse("oparl:file_content", kwargs={"key": f"minutes-{meeting_id}-html"})
    return _clean(
        _stamp(
            {
                "id": ctx.url("file", f"minutes-{meeting_id}-html"),
                "type": type_url("File"),
                "name": _minutes_title(minutes),
                "fileName": f"protokoll-{meeting_id}.html",
                "mimeType": "text/html",
                "date": iso(timezone.localtime(minutes.published_at or minutes.modified).date()),
                "accessUrl": ctx.web(content),
                "derivativeFile": [ctx.url("file", f"minutes-{meeting_id}-pdf")],
                "meeting": [ctx.url("meeting", meeting_id)],
                "license": license_url(),
                "web": ctx.web(minutes.get_absolute_url()),
            },
            minutes.created,
            minutes.modified,
        )
    )


def version_text(version) -> str:
    parts = []
    for section in version.snapshot.get("sections", []):
        parts.append(section.get("heading", ""))
        parts.append(strip_tags(section.get("body", "")))
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def version_file(ctx: Context, version) -> dict:
    consultation = version.consultation
    content = reverse("consultations:version", kwargs={"slug": consultation.slug, "number": version.number})
    return _clean(
        {
            "id": ctx.url("file", f"version-{version.pk}"),
            "type": type_url("File"),
            "name": _("%(title)s, version %(number)s")
            % {"title": consultation.title, "number": version.number},
            "fileName": f"{consultation.slug}-v{version.number}.html",
            "mimeType": "text/html",
            "date": iso(timezone.localtime(version.created).date()),
            "text": version_text(version),
            "accessUrl": ctx.web(content),
            "paper": [ctx.url("paper", consultation.pk)],
            "license": license_url(),
            "created": iso(version.created),
            "modified": iso(version.created),
            "web": ctx.web(consultation.get_absolute_url()),
        }
    )


# --- Meetings -----------------------------------------------------------------------------------------


def _item_files(ctx, item) -> list:
    return [document_file(ctx, doc) for doc in item.documents.all()]


def agenda_item(ctx: Context, item, *, embedded: bool = False) -> dict:
    meeting = item.meeting
    decision = next(iter(getattr(item, "public_decisions", [])), None)
    consultation = item.consultation if item.consultation_id else None
    if consultation is not None and not consultation_permissions.can_view(selectors.VISITOR, consultation):
        consultation = None
    obj = {
        "id": ctx.url("agendaitem", item.pk),
        "type": type_url("AgendaItem"),
        "meeting": ctx.url("meeting", item.meeting_id),
        "number": item.number,
        "order": item.sort_order if item.sort_order is not None else item.pk,
        "name": item.title,
        "public": True,
        "consultation": ctx.url("consultation", f"item-{item.pk}") if consultation else None,
        "result": str(decision.get_result_display()) if decision else None,
        "resolutionText": decision.text if decision else None,
        "license": license_url(),
        "web": ctx.web(meeting.get_absolute_url()),
    }
    if not ctx.omit_internal:
        obj["auxiliaryFile"] = _item_files(ctx, item)
    return _clean(
        _stamp(obj, item.created, max(item.modified, decision.modified) if decision else item.modified)
    )


def _public_items_prefetch(to_attr="public_items"):
    return Prefetch(
        "agenda_items",
        queryset=selectors.public_agenda_items()
        .order_by("sort_order", "pk")
        .select_related("consultation", "meeting")
        .prefetch_related("documents", _decisions_prefetch()),
        to_attr=to_attr,
    )


def _decisions_prefetch():
    return Prefetch("decisions", queryset=selectors.public_decisions(), to_attr="public_decisions")


def prepare_meetings(qs):
    return qs.select_related("minutes").prefetch_related(
        _public_items_prefetch(), "meeting_documents__document"
    )


def location_of_meeting(ctx: Context, meeting) -> dict:
    return _clean(
        _stamp(
            {
                "id": ctx.url("location", f"meeting-{meeting.pk}"),
                "type": type_url("Location"),
                "description": meeting.place,
                "meetings": [ctx.url("meeting", meeting.pk)],
                "license": license_url(),
            },
            meeting.created,
            meeting.modified,
        )
    )


def meeting(ctx: Context, m) -> dict:
    items = m.public_items
    minutes = meeting_permissions.minutes_of(m)
    public_minutes = meeting_permissions.has_public_minutes(m)
    stamps = [m.modified, *(i.modified for i in items)]
    if public_minutes:
        stamps.append(minutes.modified)
    obj = {
        "id": ctx.url("meeting", m.pk),
        "type": type_url("Meeting"),
        "name": m.title,
        "meetingState": str(m.get_state_display()),
        "cancelled": m.is_cancelled,
        "start": iso(m.start),
        "end": iso(m.end),
        "location": location_of_meeting(ctx, m) if m.place else None,
        "organization": [ctx.reference_group],
        "resultsProtocol": minutes_pdf_file(ctx, minutes) if public_minutes else None,
        "license": license_url(),
        "keyword": [str(m.get_kind_display())],
        "web": ctx.web(m.get_absolute_url()),
    }
    if not ctx.omit_internal:
        obj["agendaItem"] = [agenda_item(ctx, item, embedded=True) for item in items]
        obj["auxiliaryFile"] = [
            document_file(ctx, link.document) for link in m.meeting_documents.all() if not link.members_only
        ]
    return _clean(_stamp(obj, m.created, max(stamps)))


# --- Consultations (OParl Paper and Consultation) ---------------------------------------------------


def prepare_papers(qs):
    return qs.select_related("outcome").prefetch_related(
        Prefetch(
            "versions", queryset=selectors.public_versions().select_related("consultation").order_by("number")
        ),
        "documents__document",
        "focus_areas",
        Prefetch(
            "meeting_agenda_items",
            queryset=selectors.public_agenda_items().select_related("meeting").order_by("pk"),
            to_attr="public_items",
        ),
    )


def _published_outcome(consultation):
    try:
        outcome = consultation.outcome
    except Outcome.DoesNotExist:
        return None
    return outcome if outcome.published_at is not None else None


def paper_consultation(ctx: Context, c) -> dict:
    return _clean(
        _stamp(
            {
                "id": ctx.url("consultation", f"paper-{c.pk}"),
                "type": type_url("Consultation"),
                "paper": ctx.url("paper", c.pk),
                "organization": [ctx.reference_group],
                "authoritative": False,
                "role": _("consultation with the reference group"),
                "license": license_url(),
                "web": ctx.web(c.get_absolute_url()),
            },
            c.created,
            c.modified,
        )
    )


def item_consultation(ctx: Context, item) -> dict:
    return _clean(
        _stamp(
            {
                "id": ctx.url("consultation", f"item-{item.pk}"),
                "type": type_url("Consultation"),
                "paper": ctx.url("paper", item.consultation_id),
                "agendaItem": ctx.url("agendaitem", item.pk),
                "meeting": ctx.url("meeting", item.meeting_id),
                "organization": [ctx.reference_group],
                "authoritative": False,
                "role": _("discussed at a meeting"),
                "license": license_url(),
                "web": ctx.web(item.meeting.get_absolute_url()),
            },
            item.created,
            item.modified,
        )
    )


def outcome_consultation(ctx: Context, outcome) -> dict:
    c = outcome.consultation
    return _clean(
        _stamp(
            {
                "id": ctx.url("consultation", f"outcome-{c.pk}"),
                "type": type_url("Consultation"),
                "paper": ctx.url("paper", c.pk),
                "organization": [ctx.reference_group],
                "authoritative": True,
                "role": _("outcome: what the city did with the input"),
                "license": license_url(),
                "web": ctx.web(c.get_absolute_url()),
            },
            outcome.published_at,
            outcome.modified,
        )
    )


def paper(ctx: Context, c) -> dict:
    versions = list(c.versions.all())
    latest = versions[-1] if versions else None
    outcome = _published_outcome(c)
    items = [i for i in c.public_items]
    consultations = [paper_consultation(ctx, c), *(item_consultation(ctx, i) for i in items)]
    if outcome is not None:
        outcome.consultation = c
        consultations.append(outcome_consultation(ctx, outcome))
    obj = {
        "id": ctx.url("paper", c.pk),
        "type": type_url("Paper"),
        "body": ctx.body,
        "name": c.title,
        "reference": c.reference_number,
        "date": iso(timezone.localtime(c.published_at).date()),
        "paperType": _("consultation"),
        "consultation": consultations,
        "keyword": [area.name_sv for area in c.focus_areas.all()],
        "license": license_url(),
        "web": ctx.web(c.get_absolute_url()),
    }
    if not ctx.omit_internal:
        obj["mainFile"] = version_file(ctx, latest) if latest else None
        obj["auxiliaryFile"] = [version_file(ctx, v) for v in versions[:-1]] + [
            document_file(ctx, link.document) for link in c.documents.all()
        ]
    stamps = [c.modified, *(v.created for v in versions)]
    if outcome is not None:
        stamps.append(outcome.modified)
    return _clean(_stamp(obj, c.created, max(stamps)))


# --- The types ----------------------------------------------------------------------------------------


def _types() -> dict[str, OParlType]:
    from wagtail.documents import get_document_model  # noqa: F401 - the app registry must be ready

    types = [
        OParlType(
            "Body",
            "body",
            "bodies",
            [Source(serialize=body, items=lambda: [{"key": BODY_KEY, **_fixed()}], key_field="key")],
        ),
        OParlType(
            "LegislativeTerm",
            "legislativeterm",
            "legislativeterms",
            [Source(serialize=legislative_term, items=legislative_terms, key_field="key")],
        ),
        OParlType(
            "Organization",
            "organization",
            "organizations",
            [
                Source(serialize=reference_group, items=_reference_group_items, key_field="key"),
                Source(serialize=organisation, rows=selectors.public_organisations),
            ],
        ),
        OParlType(
            "Person",
            "person",
            "persons",
            [
                Source(
                    serialize=person,
                    rows=selectors.public_persons,
                    created="date_joined",
                    modified="date_joined",
                )
            ],
        ),
        OParlType(
            "Membership",
            "membership",
            "memberships",
            [
                Source(
                    serialize=membership,
                    rows=selectors.public_persons,
                    prefix="coordinator-",
                    created="date_joined",
                    modified="date_joined",
                )
            ],
        ),
        OParlType(
            "Meeting",
            "meeting",
            "meetings",
            [Source(serialize=meeting, rows=selectors.public_meetings, prepare=prepare_meetings)],
        ),
        OParlType(
            "AgendaItem",
            "agendaitem",
            "agendaitems",
            [
                Source(
                    serialize=agenda_item,
                    rows=selectors.public_agenda_items,
                    prepare=lambda qs: qs.select_related("meeting", "consultation").prefetch_related(
                        "documents", _decisions_prefetch()
                    ),
                )
            ],
        ),
        OParlType(
            "Paper",
            "paper",
            "papers",
            [Source(serialize=paper, rows=selectors.public_consultations, prepare=prepare_papers)],
        ),
        OParlType(
            "Consultation",
            "consultation",
            "consultations",
            [
                Source(serialize=paper_consultation, rows=selectors.public_consultations, prefix="paper-"),
                Source(
                    serialize=item_consultation,
                    rows=lambda: selectors.public_agenda_items().filter(
                        consultation__in=selectors.public_consultations().values("pk")
                    ),
                    prefix="item-",
                    prepare=lambda qs: qs.select_related("meeting"),
                ),
                Source(
                    serialize=outcome_consultation,
                    rows=lambda: Outcome.objects.filter(
                        published_at__isnull=False,
                        consultation__in=selectors.public_consultations().values("pk"),
                    ),
                    prefix="outcome-",
                    key_field="consultation_id",
                    lookup="consultation_id",
                    created="published_at",
                    prepare=lambda qs: qs.select_related("consultation"),
                ),
            ],
        ),
        OParlType(
            "File",
            "file",
            "files",
            [
                Source(
                    serialize=document_file,
                    rows=selectors.public_documents,
                    prefix="document-",
                    created="created_at",
                    modified="created_at",
                ),
                Source(
                    serialize=minutes_pdf_file,
                    rows=selectors.public_minutes,
                    prefix="minutes-",
                    suffix="-pdf",
                    key_field="meeting_id",
                    lookup="meeting_id",
                    prepare=lambda qs: qs.select_related("meeting"),
                ),
                Source(
                    serialize=minutes_html_file,
                    rows=selectors.public_minutes,
                    prefix="minutes-",
                    suffix="-html",
                    key_field="meeting_id",
                    lookup="meeting_id",
                    prepare=lambda qs: qs.select_related("meeting"),
                ),
                Source(
                    serialize=version_file,
                    rows=selectors.public_versions,
                    prefix="version-",
                    created="created",
                    modified="created",
                    prepare=lambda qs: qs.select_related("consultation"),
                ),
            ],
        ),
        OParlType(
            "Location",
            "location",
            "locations",
            [
                Source(
                    serialize=location_of_meeting,
                    rows=lambda: selectors.public_meetings().exclude(place=""),
                    prefix="meeting-",
                )
            ],
        ),
    ]
    return {t.name: t for t in types}


def _fixed() -> dict:
    since = oparl_since()
    return {"created": since, "modified": since}


TYPES = _types()
BY_PATH = {t.path: t for t in TYPES.values()}
BY_LIST_PATH = {t.list_path: t for t in TYPES.values()}


def language():
    """The API speaks the site's first language, whatever the request's headers say."""
    return translation.override(settings.LANGUAGE_CODE)
