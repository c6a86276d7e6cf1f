"""Coordinator exports: a spreadsheet of comments and responses, and a printable PDF compilation."""

from __future__ import annotations

import tablib
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Comment, Consultation, Export, InputMark, ResponseVersion


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _comment_status(comment: Comment) -> str:
    if comment.deleted_at:
        return _("deleted by the author")
    if comment.hidden_at:
        return _("hidden by a moderator")
    if comment.edited_at:
        return _("edited")
    return _("published")


def _marks(consultation: Consultation) -> dict[tuple[str, int], InputMark]:
    marks = {}
    for mark in InputMark.objects.filter(outcome__consultation=consultation):
        key = ("comment", mark.comment_id) if mark.comment_id else ("response", mark.response_id)
        marks[key] = mark
    return marks


def comments_dataset(consultation: Consultation, marks=None) -> tablib.Dataset:
    marks = marks if marks is not None else _marks(consultation)
    data = tablib.Dataset(
        headers=[
            _("Comment"),
            _("Reply to"),
            _("Section"),
            _("Organisation"),
            _("Author"),
            _("Written"),
            _("Version"),
            _("Status"),
            _("Text"),
            _("Mark"),
            _("Rationale"),
        ],
        title=_("Comments")[:31],
    )
    comments = consultation.comments.select_related("section", "organisation", "author").order_by(
        "created", "pk"
    )
    for c in comments:
        mark = marks.get(("comment", c.pk))
        data.append(
            [
                c.pk,
                c.parent_id or "",
                c.section.heading if c.section else _("The whole consultation"),
                c.organisation.name,
                c.author.get_display_name() if c.author else _("Former member"),
                _local(c.created),
                c.version,
                _comment_status(c),
                c.text if not (c.deleted_at or c.hidden_at) else "",
                mark.get_mark_display() if mark else "",
                mark.rationale if mark else "",
            ]
        )
    return data


def response_versions(consultation: Consultation):
    return (
        ResponseVersion.objects.filter(response__consultation=consultation)
        .select_related("response__organisation")
        .prefetch_related("files")
        .order_by("response__organisation__name", "number")
    )


def responses_dataset(consultation: Consultation, marks=None) -> tablib.Dataset:
    marks = marks if marks is not None else _marks(consultation)
    data = tablib.Dataset(
        headers=[
            _("Receipt number"),
            _("Organisation"),
            _("Submitted by"),
            _("Submitted"),
            _("Version"),
            _("Status"),
            _("Checksum (SHA-256)"),
            _("Response"),
            _("Attachments"),
            _("Mark"),
            _("Rationale"),
        ],
        title=_("Responses")[:31],
    )
    versions = list(response_versions(consultation))
    latest = {}
    for v in versions:
        latest[v.response_id] = max(latest.get(v.response_id, 0), v.number)
    for v in versions:
        mark = marks.get(("response", v.response_id))
        answers = "\n\n".join(f"{a['question']}\n{a['answer']}" for a in v.answers)
        data.append(
            [
                v.receipt_number,
                v.response.organisation.name,
                v.submitted_by_name,
                _local(v.submitted_at),
                v.number,
                _("current") if latest[v.response_id] == v.number else _("superseded"),
                v.sha256,
                "\n\n".join(part for part in (v.text, answers) if part),
                ", ".join(f.name for f in v.files.all()),
                mark.get_mark_display() if mark else "",
                mark.rationale if mark else "",
            ]
        )
    return data


def build_xlsx(consultation: Consultation) -> bytes:
    marks = _marks(consultation)
    book = tablib.Databook([comments_dataset(consultation, marks), responses_dataset(consultation, marks)])
    return book.export("xlsx")


def _no_network(url, *args, **kwargs):
    """WeasyPrint may only read what is in the HTML: no fetching from the network."""
    raise ValueError(f"Refusing to fetch {url} while building a PDF")


def compilation_context(consultation: Consultation) -> dict:
    """What the compilation shows, for the PDF and for its HTML version on the site alike."""
    from .selectors import outcome_for_display

    versions = list(response_versions(consultation))
    latest = {}
    for v in versions:
        latest[v.response_id] = max(latest.get(v.response_id, 0), v.number)
    return {
        "consultation": consultation,
        "sections": consultation.sections.order_by("sort_order", "pk"),
        "questions": consultation.questions.all(),
        "versions": [(v, latest[v.response_id] == v.number) for v in versions],
        "outcome": outcome_for_display(consultation),
        "generated": timezone.now(),
    }


def build_pdf(consultation: Consultation) -> bytes:
    """A tagged PDF/UA-1 document in the active language (the <html lang> becomes the PDF's /Lang)."""
    from weasyprint import HTML

    context = compilation_context(consultation)
    context["LANGUAGE_CODE"] = translation.get_language() or settings.LANGUAGE_CODE
    html = render_to_string("consultations/export_pdf.html", context)
    return HTML(string=html, url_fetcher=_no_network).write_pdf(pdf_variant="pdf/ua-1")


def export_filename(export: Export) -> str:
    stamp = timezone.localtime(export.created).strftime("%Y%m%d-%H%M")
    return f"{export.consultation.slug}-{stamp}.{export.kind}"
