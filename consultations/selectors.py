"""Reads for the consultation pages. Each returns what a page shows in a fixed number of queries, however
many sections and comments there are (the tests count them)."""

from __future__ import annotations

import difflib
from collections import defaultdict

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from organisations.attribution import attribution, default_organisation
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
    base = Consultation.objects.select_related("development_area")
    if tab == "coming":
        qs = base.scheduled().order_by("opens_at", "pk")
    elif tab == "ended":
        qs = base.ended().order_by("-closes_at", "-pk")
    else:
        qs = base.open().order_by("closes_at", "pk")
    if development_area:
        qs = qs.filter(development_area_id=development_area)
    if focus_area:
        qs = qs.filter(focus_areas__slug=focus_area)
    # A correlated count rather than a join and GROUP BY: PostgreSQL then counts the comments of the 20
    # consultations on the page only (from a partial index), not of every consultation in the tab.
    visible_comments = (
        Comment.objects.filter(consultation=OuterRef("pk"), deleted_at__isnull=True, hidden_at__isnull=True)
        .order_by()
        .values("consultation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        comment_count=Coalesce(Subquery(visible_comments, output_field=IntegerField()), 0),
    ).prefetch_related(Prefetch("focus_areas", queryset=FocusArea.objects.order_by("order", "name_sv")))


def open_consultations(limit: int = 5):
    """For the home page: open consultations, the ones closing first on top."""
    return list(Consultation.objects.open().order_by("closes_at", "pk")[:limit])


# The columns the comment markup uses: with hundreds of comments, building full User and Organisation rows
# (dozens of columns each) cost more than the query. Anything else on them would be a query per comment.
_THREAD_FIELDS = (
    "id", "consultation_id", "section_id", "parent_id", "author_id", "organisation_id", "version", "text",
    "created", "edited_at", "deleted_at", "hidden_at", "hidden_reason",
    "author__id", "author__display_name", "author__first_name", "author__last_name", "author__email",
    "author__deleted_at", "organisation__id", "organisation__name",
)  # fmt: skip


def _thread_comments(consultation: Consultation):
    return list(
        consultation.comments.select_related("author", "organisation")
        .only(*_THREAD_FIELDS)
        .order_by("created", "pk")
    )


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


def comment_actions(user, comment: Comment, *, is_coordinator: bool = False, now=None) -> dict:
    """What `user` may do with one comment (the links under it), without any query."""
    authenticated = getattr(user, "is_authenticated", False)
    own = authenticated and comment.author_id == user.pk
    live = comment.deleted_at is None and comment.hidden_at is None
    return {
        "edit": own and permissions.can_edit_comment(user, comment, now=now),
        "delete": own and comment.deleted_at is None,
        "report": authenticated and not own and live,
        "hide": is_coordinator and live,
        "restore": is_coordinator and comment.hidden_at is not None,
    }


def _url_builder(name: str):
    """`pk -> URL` for a URL pattern with one integer argument, reversing it once for all comments."""
    marker = 987654321
    before, after = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{before}{pk}{after}"


_ACTION_URLS = {
    "edit": "consultations:comment_edit",
    "delete": "consultations:comment_delete",
    "report": "consultations:comment_report",
    "hide": "consultations:comment_hide",
    "restore": "consultations:comment_restore",
}


def prepare_comments_for_display(comments: list[Comment], user, *, is_coordinator: bool = False) -> None:
    """Sets, in one pass, what the comment markup needs on each comment: `signed` ("Name, Organisation"),
    `actions` (what the viewer may do) and `action_urls`, so the templates call no tag, permission check
    or URL reversal per comment (with 500 comments those made the page take more than a second)."""
    now = timezone.now()
    urls = {action: _url_builder(name) for action, name in _ACTION_URLS.items()}
    anonymous = not getattr(user, "is_authenticated", False)
    signatures = {}
    for comment in comments:
        key = (comment.author_id, comment.organisation_id)
        if key not in signatures:
            signatures[key] = attribution(comment.author, comment.organisation)
        comment.signed = signatures[key]
        if anonymous:
            comment.actions = None
            continue
        actions = comment_actions(user, comment, is_coordinator=is_coordinator, now=now)
        comment.actions = {a: urls[a](comment.pk) for a, allowed in actions.items() if allowed} or None


def consultation_detail(
    consultation: Consultation, user, *, is_coordinator: bool = False, reply_to: str = ""
) -> dict:
    """Everything the public consultation page shows: sections with comment counts and threads, guiding
    questions, documents, and the published outcome side by side. `reply_to` (the `?svar=` parameter) names
    the thread whose reply form is open: the page renders one reply form, not one per thread."""
    outcome = outcome_for_display(consultation, published_only=True)
    comments = _thread_comments(consultation)
    prepare_comments_for_display(comments, user, is_coordinator=is_coordinator)
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
        "speaking_for_default": default_organisation(
            organisations, last_used_organisation_ids(user, consultation, organisations)
        ),
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
        "reply_to": _reply_target(comments, reply_to) if organisations else None,
    }


def last_used_organisation_ids(user, consultation: Consultation, organisations) -> list[int]:
    """The organisations (of `organisations`) that `user` last commented for or last worked on a response
    for, newest first, this consultation before others. Empty, without a query, when there is no choice."""
    pks = [org.pk for org in organisations]
    if len(pks) < 2:
        return []
    comments = list(
        Comment.objects.filter(author=user, organisation_id__in=pks)
        .order_by("-created", "-pk")
        .values_list("organisation_id", "consultation_id", "created")[:50]
    )
    responses = list(
        Response.objects.filter(last_edited_by=user, organisation_id__in=pks)
        .order_by("-modified", "-pk")
        .values_list("organisation_id", "consultation_id", "modified")[:50]
    )
    rows = sorted(comments + responses, key=lambda r: (r[1] == consultation.pk, r[2]), reverse=True)
    return [org_id for org_id, _c, _t in rows]


def _reply_target(comments: list[Comment], value: str) -> Comment | None:
    """The live top-level comment that `?svar=<id>` names, or None."""
    if not value.isdigit():
        return None
    pk = int(value)
    return next(
        (
            c
            for c in comments
            if c.pk == pk and c.parent_id is None and c.deleted_at is None and c.hidden_at is None
        ),
        None,
    )


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
        # Through the table: modelcluster's relation manager cannot give a `values()` subquery.
        invited = invited.filter(
            pk__in=Consultation.invited_organisations.through.objects.filter(
                consultation_id=consultation.pk
            ).values("organisation_id")
        )
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


def participation_totals(consultations) -> dict[int, dict]:
    """`participation(c)["totals"]` for many consultations at once, in four queries whatever their number
    (the coordinator overview lists fifty; one `participation()` each read every approved organisation
    fifty times)."""
    consultations = list(consultations)
    if not consultations:
        return {}
    ids = [c.pk for c in consultations]
    approved = Organisation.objects.approved()
    all_count = approved.count()
    Invited = Consultation.invited_organisations.through
    chosen_counts = dict(
        Invited.objects.filter(consultation_id__in=ids, organisation__in=approved)
        .values("consultation_id")
        .annotate(n=Count("organisation_id", distinct=True))
        .values_list("consultation_id", "n")
    )
    # An organisation counts when it is approved and in the audience (all, or invited when chosen).
    in_audience = Q(consultation__audience=Consultation.Audience.ALL) | Q(
        Exists(
            Invited.objects.filter(
                consultation_id=OuterRef("consultation_id"), organisation_id=OuterRef("organisation_id")
            )
        )
    )
    commented = dict(
        Comment.objects.filter(
            in_audience, consultation_id__in=ids, deleted_at__isnull=True, organisation__in=approved
        )
        .values("consultation_id")
        .annotate(n=Count("organisation_id", distinct=True))
        .values_list("consultation_id", "n")
    )
    responded = dict(
        Response.objects.filter(
            in_audience, consultation_id__in=ids, versions__isnull=False, organisation__in=approved
        )
        .values("consultation_id")
        .annotate(n=Count("organisation_id", distinct=True))
        .values_list("consultation_id", "n")
    )
    totals = {}
    for c in consultations:
        invited = all_count if c.audience != Consultation.Audience.CHOSEN else chosen_counts.get(c.pk, 0)
        entry = {"invited": invited, "commented": commented.get(c.pk, 0), "responded": responded.get(c.pk, 0)}
        entry["commented_pct"] = round(100 * entry["commented"] / (invited or 1))
        entry["responded_pct"] = round(100 * entry["responded"] / (invited or 1))
        totals[c.pk] = entry
    return totals


def moderation_queue():
    """Comments with open reports, oldest report first."""
    return (
        # Narrow to the reported comments before counting, so the database does not group every comment.
        Comment.objects.filter(
            pk__in=CommentReport.objects.filter(resolved_at__isnull=True).values("comment_id")
        )
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .select_related("consultation", "author", "organisation", "section")
        .prefetch_related(
            Prefetch("reports", queryset=CommentReport.objects.filter(resolved_at__isnull=True))
        )
        .order_by("pk")
    )
