"""Permission-aware reads for the plan's pages. A fixed number of queries per page whatever the data.

What a visitor sees: published consultations (with their outcome once it is published), public agenda
items of public meetings, action items from minutes published to everyone, current published follow-ups
and their history. Evidence is shown only when the reader may see it: a consultation's outcome once
published, a decision in public minutes, a document that the meetings app would serve to the reader; a
knowledge input is never linked outside the coordinators' screens.
"""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from organisations.models import FocusArea
from organisations.permissions import is_coordinator

from .models import (
    FORMS_OF_RACISM,
    ActivityPage,
    ActivityStatus,
    CityBody,
    DevelopmentAreaPage,
    FollowUp,
    FollowUpStep,
    Step,
)


def activities_for(root, request, language_root=None):
    """Live activities under `root` (a plan or area page), filtered by the request's `form` and `body`."""
    qs = (
        ActivityPage.objects.live()
        .descendant_of(root)
        .select_related("responsible_body", "area")
        .prefetch_related("forms_of_racism", "cooperating_bodies")
        .order_by("path")
    )
    form = request.GET.get("form", "") if request else ""
    body = request.GET.get("body", "") if request else ""
    if form:
        qs = qs.filter(forms_of_racism__slug=form)
    if body:
        qs = qs.filter(Q(responsible_body__slug=body) | Q(cooperating_bodies__slug=body)).distinct()
    return qs, form, body


def filter_choices():
    return {
        "forms": list(FocusArea.objects.filter(slug__in=FORMS_OF_RACISM).order_by("order")),
        "bodies": list(CityBody.objects.filter(activities__isnull=False).distinct().order_by("name_sv")),
    }


def plan_context(page, request):
    activities, form, body = activities_for(page, request)
    areas = list(DevelopmentAreaPage.objects.live().child_of(page).select_related("area").order_by("path"))
    by_parent = {}
    for activity in activities:
        by_parent.setdefault(activity.path[: -ActivityPage.steplen], []).append(activity)
    return {
        "areas": [(area, by_parent.get(area.path, [])) for area in areas],
        "filtered": bool(form or body),
        "selected_form": form,
        "selected_body": body,
        "steps": list(Step),
        **filter_choices(),
    }


def area_context(page, request):
    activities, form, body = activities_for(page, request)
    return {
        "activities": list(activities),
        "filtered": bool(form or body),
        "selected_form": form,
        "selected_body": body,
        **filter_choices(),
    }


def _linked(model_qs, page):
    """Rows linked to the activity in any of its languages (links point at the Swedish page)."""
    return model_qs.filter(activity__translation_key=page.translation_key)


def activity_context(page, request):
    from consultations.models import Consultation
    from meetings.models import ActionItem, AgendaItem, Minutes

    user = request.user if request else None
    coordinator = is_coordinator(user) if user is not None else False

    consultations = _linked(Consultation.objects.select_related("outcome"), page).order_by("-opens_at")
    if not coordinator:
        consultations = consultations.filter(published_at__isnull=False)

    items = _linked(AgendaItem.objects.select_related("meeting"), page).order_by("-meeting__start")
    if not coordinator:
        items = items.filter(is_public=True, meeting__is_public=True)

    actions = _linked(ActionItem.objects.select_related("minutes__meeting"), page).order_by("due_date", "pk")
    if not coordinator:
        actions = actions.filter(
            minutes__state=Minutes.State.PUBLISHED,
            minutes__audience=Minutes.Audience.PUBLIC,
            minutes__meeting__is_public=True,
        )

    steps = FollowUpStep.objects.select_related(
        "evidence_document",
        "evidence_consultation__outcome",
        "evidence_decision__minutes__meeting",
        "evidence_decision__agenda_item",
    )
    follow_ups = list(
        _linked(FollowUp.objects.published(), page)
        .select_related("superseded_by", "supersedes")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("-period_end", "-published_at")
    )
    timeline = []
    for follow_up in follow_ups:
        corrected = follow_up.superseded_by if _published(follow_up, "superseded_by") else None
        timeline.append(
            {
                "follow_up": follow_up,
                "corrected_by": corrected,
                "staircase": [
                    (step, row, _visible_evidence(row, user, coordinator) if row else [])
                    for step, row in follow_up.staircase()
                ],
            }
        )
    current = next((entry for entry in timeline if entry["corrected_by"] is None), None)
    return {
        "consultations": list(consultations),
        "agenda_items": list(items),
        "action_items": list(actions),
        "timeline": timeline,
        "current_follow_up": current,
        "is_coordinator": coordinator,
    }


def _published(follow_up, relation):
    try:
        other = getattr(follow_up, relation)
    except FollowUp.DoesNotExist:
        return False
    return other is not None and other.published_at is not None


def _visible_evidence(row, user, coordinator):
    """[(label, url or "")] of the evidence of one step that this reader may see."""
    from meetings.models import Minutes

    evidence = []
    if row.evidence_url:
        evidence.append((_("Link"), row.evidence_url))
    document = row.evidence_document
    if document is not None:
        from meetings.permissions import may_serve_document

        if coordinator or may_serve_document(user, document) is not False:
            evidence.append((document.title, document.url))
    consultation = row.evidence_consultation
    if consultation is not None:
        outcome = getattr(consultation, "outcome", None)
        if coordinator or (outcome is not None and outcome.published_at and consultation.published_at):
            evidence.append(
                (
                    _("Outcome of the consultation “%(title)s”") % {"title": consultation.title},
                    consultation.get_absolute_url(),
                )
            )
    decision = row.evidence_decision
    if decision is not None:
        minutes = decision.minutes
        public = (
            minutes.state == Minutes.State.PUBLISHED
            and minutes.audience == Minutes.Audience.PUBLIC
            and minutes.meeting.is_public
            and decision.agenda_item.is_public
        )
        if coordinator or public:
            evidence.append(
                (
                    _("Decision at the meeting “%(meeting)s”") % {"meeting": minutes.meeting.title},
                    minutes.get_absolute_url(),
                )
            )
    if row.evidence_input_id:
        # Never linked publicly: only that civil society's input was used.
        evidence.append((_("Knowledge input from civil-society organisations"), ""))
    return evidence


STATUS_BADGES = {
    ActivityStatus.PLANNED: "badge--neutral",
    ActivityStatus.ONGOING: "badge--info",
    ActivityStatus.COMPLETED: "badge--success",
    ActivityStatus.DISCONTINUED: "badge--warning",
}
