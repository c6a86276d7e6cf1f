"""Reads for the consultation pages. Each returns what a page shows in a fixed number of queries, however
many sections and comments there are (the tests count them)."""

from __future__ import annotations

import difflib
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils.html import strip_tags

from organisations.models import FocusArea, Organisation

from . import permissions
from .models import (
    BackgroundDocument,
    Comment,
    CommentReport,
    Consultation,
    InputMark,
    Response,
    ResponseVersion,
    SectionOutcome,
)

LIST_TABS = ("open", "coming", "ended")


def consultation_list(*, tab: str = "open", development_area: str = "", focus_area: str = ""):
    """Published consultations for one tab of the list, newest first within it, with comment counts."""
    base = Consultation.objects.all()
    if tab == "coming":
        qs = base.scheduled().order_by("opens_at", "pk")
    elif tab == "ended":
        qs = base.ended().order_by("-closes_at", "-pk")
    else:
        qs = base.open().order_by("closes_at", "pk")
    if development_area:
        qs = qs.filter(development_area=development_area)
    if focus_area:
        qs = qs.filter(focus_areas__slug=focus_area)
    return qs.annotate(
        comment_count=Count(
            "comments",
            filter=Q(comments__deleted_at__isnull=True, comments__hidden_at__isnull=True),
            distinct=True,
        ),
    ).prefetch_related(Prefetch("focus_areas", queryset=FocusArea.objects.order_by("order", "name_sv")))


def open_consultations(limit: int = 5):
    """For the home page: open consultations, the ones closing first on top."""
    return list(Consultation.objects.open().order_by("closes_at", "pk")[:limit])


def _thread_comments(consultation: Consultation):
    return list(consultation.comments.select_related("author", "organisation").order_by("created", "pk"))


def outcome_for_display(consultation: Consultation, *, published_only: bool = False):
    """The outcome with its per-section answers and marks, as plain dicts; None when there is none."""
    outcome = getattr(consultation, "outcome", None) if _has_outcome(consultation) else None
    if outcome is None or (published_only and outcome.published_at is None):
        return None
    section_texts = dict(SectionOutcome.objects.filter(outcome=outcome).values_list("section_id", "text"))
    marks = {}
    for mark in InputMark.objects.filter(outcome=outcome):
        key = ("comment", mark.comment_id) if mark.comment_id else ("response", mark.response_id)
        marks[key] = mark
    return {"outcome": outcome, "section_texts": section_texts, "marks": marks}


def _has_outcome(consultation) -> bool:
    try:
        _ = consultation.outcome
    except Consultation.outcome.RelatedObjectDoesNotExist:
        return False
    return True


def build_threads(comments: list[Comment], marks: dict | None = None):
    """Groups comments into threads: {section_id or None: [(comment, [replies])]} and visible counts."""
    marks = marks or {}
    replies = defaultdict(list)
    top = defaultdict(list)
    counts = defaultdict(int)
    for comment in comments:
        comment.mark = marks.get(("comment", comment.pk))
        if comment.parent_id:
            replies[comment.parent_id].append(comment)
        else:
            top[comment.section_id].append(comment)
        if comment.deleted_at is None and comment.hidden_at is None:
            counts[comment.section_id] += 1
    threads = {key: [(c, replies.get(c.pk, [])) for c in value] for key, value in top.items()}
    return threads, counts


def consultation_detail(consultation: Consultation, user) -> dict:
    """Everything the public consultation page shows: sections with comment counts and threads, guiding
    questions, documents, and the published outcome side by side."""
    outcome = outcome_for_display(consultation, published_only=True)
    comments = _thread_comments(consultation)
    threads, counts = build_threads(comments, outcome["marks"] if outcome else None)
    sections = list(consultation.sections.order_by("sort_order", "pk"))
    for section in sections:
        section.threads = threads.get(section.pk, [])
        section.comment_count = counts.get(section.pk, 0)
        section.outcome_text = outcome["section_texts"].get(section.pk, "") if outcome else ""
    organisations = (
        permissions.participating_organisations(user, consultation) if consultation.is_open else []
    )
    return {
        "consultation": consultation,
        "sections": sections,
        "general_threads": threads.get(None, []),
        "general_count": counts.get(None, 0),
        "total_count": sum(counts.values()),
        "questions": list(consultation.questions.all()),
        "documents": list(
            BackgroundDocument.objects.filter(consultation=consultation).select_related("document")
        ),
        "focus_areas": list(consultation.focus_areas.all()),
        "outcome": outcome,
        "speaking_for": organisations,
        "can_comment": bool(organisations),
    }


def preview_context(consultation: Consultation, request) -> dict:
    """The page as the admin preview shows it: the unsaved text, no comments."""
    sections = list(consultation.sections.all())
    for section in sections:
        section.threads = []
        section.comment_count = 0
        section.outcome_text = ""
    return {
        "consultation": consultation,
        "sections": sections,
        "general_threads": [],
        "general_count": 0,
        "total_count": 0,
        "questions": list(consultation.questions.all()),
        "documents": list(consultation.documents.all()),
        "focus_areas": list(consultation.focus_areas.all()),
        "outcome": None,
        "speaking_for": [],
        "can_comment": False,
        "is_preview": True,
    }


def _plain_lines(html: str) -> list[str]:
    text = strip_tags(html.replace("</p>", "</p>\n").replace("<br/>", "\n").replace("</li>", "</li>\n"))
    return [line.strip() for line in text.splitlines() if line.strip()]


def version_diff(old: dict, new: dict) -> list[dict]:
    """Per section (matched by stable key) the lines removed and added between two snapshots."""
    old_sections = {s["key"]: s for s in old.get("sections", [])}
    result = []
    seen = set()
    for section in new.get("sections", []):
        before = old_sections.get(section["key"])
        seen.add(section["key"])
        result.append(_section_diff(before, section))
    for key, section in old_sections.items():
        if key not in seen:
            result.append(_section_diff(section, None))
    return result


def _section_diff(before: dict | None, after: dict | None) -> dict:
    old_lines = [before["heading"], *_plain_lines(before["body"])] if before else []
    new_lines = [after["heading"], *_plain_lines(after["body"])] if after else []
    lines = []
    for line in difflib.ndiff(old_lines, new_lines):
        code, text = line[:1], line[2:]
        if code == "?":
            continue
        lines.append({"kind": {"-": "removed", "+": "added"}.get(code, "same"), "text": text})
    changed = any(line["kind"] != "same" for line in lines)
    return {
        "heading": (after or before)["heading"],
        "key": (after or before)["key"],
        "status": "removed"
        if after is None
        else "added"
        if before is None
        else "changed"
        if changed
        else "same",
        "lines": lines,
    }


def submitted_versions(consultation: Consultation):
    """Every submitted version, newest first within each organisation."""
    return (
        ResponseVersion.objects.filter(response__consultation=consultation)
        .select_related("response__organisation")
        .prefetch_related("files")
        .order_by("response__organisation__name", "-number")
    )


def participation(consultation: Consultation) -> dict:
    """Organisations invited, that commented and that responded, in total and per focus area."""
    invited = Organisation.objects.approved()
    if consultation.audience == Consultation.Audience.CHOSEN:
        invited = invited.filter(pk__in=consultation.invited_organisations.values("pk"))
    commented = Comment.objects.filter(
        consultation=consultation, organisation=OuterRef("pk"), deleted_at__isnull=True
    )
    responded = Response.objects.filter(
        consultation=consultation, organisation=OuterRef("pk"), versions__isnull=False
    )
    rows = list(
        invited.annotate(commented=Exists(commented), responded=Exists(responded))
        .prefetch_related("focus_areas")
        .order_by("name")
    )
    # Organisations outside the audience can have commented earlier (e.g. removed later): count them too.
    totals = {
        "invited": len(rows),
        "commented": sum(1 for r in rows if r.commented),
        "responded": sum(1 for r in rows if r.responded),
    }
    by_area = {}
    for area in FocusArea.objects.order_by("order", "name_sv"):
        by_area[area.pk] = {"area": area, "invited": 0, "commented": 0, "responded": 0}
    for row in rows:
        for area in row.focus_areas.all():
            entry = by_area.get(area.pk)
            if entry is None:
                continue
            entry["invited"] += 1
            entry["commented"] += int(row.commented)
            entry["responded"] += int(row.responded)
    areas = [e for e in by_area.values() if e["invited"]]
    for entry in [totals, *areas]:
        invited_count = entry["invited"] or 1
        entry["commented_pct"] = round(100 * entry["commented"] / invited_count)
        entry["responded_pct"] = round(100 * entry["responded"] / invited_count)
    return {"totals": totals, "areas": areas, "organisations": rows}


def moderation_queue():
    """Comments with open reports, oldest report first."""
    return (
        Comment.objects.annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .filter(open_reports__gt=0)
        .select_related("consultation", "author", "organisation", "section")
        .prefetch_related(
            Prefetch("reports", queryset=CommentReport.objects.filter(resolved_at__isnull=True))
        )
        .order_by("pk")
    )
