"""What consultations hold about a person, for "My data" and account deletion (see privacy/).

Comments stay (they were written for an organisation and others replied to them) and are then signed
"Deleted user, Organisation". Submitted responses are the organisation's record and stay unchanged;
only the name of the person who pressed "submit" is replaced.
"""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacy.registry import register

from .models import Comment, CommentReport, Response, ResponseVersion


def export(user) -> dict:
    comments = (
        Comment.objects.filter(author=user)
        .select_related("consultation", "section", "organisation")
        .order_by("created", "pk")
    )
    drafts = (
        Response.objects.filter(last_edited_by=user)
        .select_related("consultation", "organisation")
        .prefetch_related("answers__question")
        .order_by("created", "pk")
    )
    return {
        "comments": [
            {
                "consultation": c.consultation.title,
                "section": c.section.heading if c.section else "",
                "organisation": c.organisation.name,
                "reply_to": c.parent_id,
                "id": c.pk,
                "text": c.text,
                "written": c.created,
                "edited": c.edited_at,
                "deleted": c.deleted_at,
                "hidden": c.hidden_at,
                "hidden_reason": c.hidden_reason,
            }
            for c in comments
        ],
        "comment_reports": [
            {"comment": r.comment_id, "reason": r.reason, "reported": r.created, "handled": r.resolved_at}
            for r in CommentReport.objects.filter(reporter=user).order_by("created")
        ],
        "response_drafts": [
            {
                "consultation": r.consultation.title,
                "organisation": r.organisation.name,
                "text": r.text,
                "answers": [{"question": a.question.text, "answer": a.text} for a in r.answers.all()],
                "last_edited": r.modified,
            }
            for r in drafts
        ],
        "submitted_responses": [
            {
                "consultation": v.response.consultation.title,
                "organisation": v.response.organisation.name,
                "receipt_number": v.receipt_number,
                "version": v.number,
                "submitted_at": v.submitted_at,
                "text": v.text,
                "answers": v.answers,
            }
            for v in ResponseVersion.objects.filter(submitted_by=user)
            .select_related("response__consultation", "response__organisation")
            .order_by("submitted_at")
        ],
    }


@transaction.atomic
def erase(user) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        placeholder = _("Deleted user")
    ResponseVersion.objects.filter(submitted_by=user).update(submitted_by_name=placeholder)


register(
    "consultations",
    exporter=export,
    eraser=erase,
    titles={
        "comments": gettext_lazy("Comments on consultations"),
        "comment_reports": gettext_lazy("Comments you reported"),
        "response_drafts": gettext_lazy("Response drafts you last edited"),
        "submitted_responses": gettext_lazy("Responses you submitted for your organisation"),
    },
)
