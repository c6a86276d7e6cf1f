"""Every state change of the action plan's follow-ups and knowledge input."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Organisation
from organisations.permissions import is_coordinator, is_organisation_admin

from .models import FollowUp, FollowUpStep, KnowledgeInput
from .validation import find_personnummer

PLAN_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def plan_grant_coordinators(plan) -> None:
    """Lets the Coordinators group add, edit and publish the areas and activities under `plan` (an
    ActionPlanPage) in the Wagtail admin. Called when a plan page is made (the demo); migration 0003 did
    the same for the plan pages that existed then. Safe to repeat."""
    from django.conf import settings
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group, _created = Group.objects.get_or_create(name=settings.COORDINATORS_GROUP)
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=PLAN_PAGE_PERMISSIONS
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=plan, permission=permission)


class FollowUpLocked(ValidationError):
    pass


def ensure_editable(follow_up: FollowUp) -> None:
    """A published follow-up is history: it is corrected by a new one, never edited."""
    if follow_up.pk and FollowUp.objects.filter(pk=follow_up.pk, published_at__isnull=False).exists():
        raise FollowUpLocked(_("A published follow-up cannot be changed. Make a correction instead."))


@transaction.atomic
def follow_up_publish(*, follow_up: FollowUp, actor) -> FollowUp:
    """Publish a draft follow-up. Safe to repeat: publishing a published one changes nothing."""
    if not is_coordinator(actor):
        raise PermissionDenied
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.published_at is not None:
        return follow_up
    if follow_up.supersedes_id:
        old = FollowUp.objects.select_for_update().get(pk=follow_up.supersedes_id)
        if old.published_at is None:
            raise ValidationError(_("Only a published follow-up can be corrected."))
    follow_up.full_clean()
    follow_up.published_at = timezone.now()
    follow_up.published_by = actor
    follow_up.save(update_fields=["published_at", "published_by"])
    return follow_up


@transaction.atomic
def follow_up_correct(*, follow_up: FollowUp, actor, note: str = "") -> FollowUp:
    """Start a correction: a draft copy of a published follow-up (steps included) that supersedes it when
    published. Only one correction per follow-up; asking again returns the existing draft."""
    if not is_coordinator(actor):
        raise PermissionDenied
    if follow_up.published_at is None:
        raise ValidationError(_("A draft can be edited directly; only published follow-ups are corrected."))
    existing = FollowUp.objects.filter(supersedes=follow_up).first()
    if existing is not None:
        return existing
    copy = FollowUp.objects.create(
        activity=follow_up.activity,
        period=follow_up.period,
        period_end=follow_up.period_end,
        activity_status=follow_up.activity_status,
        narrative=follow_up.narrative,
        supersedes=follow_up,
        correction_note=note,
        created_by=actor,
    )
    for step in follow_up.steps.all():
        FollowUpStep.objects.create(
            follow_up=copy,
            sort_order=step.sort_order,
            step=step.step,
            in_place=step.in_place,
            justification=step.justification,
            evidence_url=step.evidence_url,
            evidence_document=step.evidence_document,
            evidence_consultation=step.evidence_consultation,
            evidence_decision=step.evidence_decision,
            evidence_input=step.evidence_input,
        )
    return copy


def may_send_input(user, organisation: Organisation) -> bool:
    return organisation.status == Organisation.Status.APPROVED and is_organisation_admin(user, organisation)


@transaction.atomic
def knowledge_input_send(
    *,
    organisation: Organisation,
    actor,
    text: str,
    suggestions: str = "",
    activity=None,
    area=None,
    forms_of_racism=(),
    settings=(),
    city_districts=(),
) -> KnowledgeInput:
    """Record an organisation's knowledge input and tell the responsible coordinator. Refuses a personal
    identity number anywhere, whatever the form did."""
    if not may_send_input(actor, organisation):
        raise PermissionDenied
    for value in (text, suggestions):
        if find_personnummer(value):
            raise ValidationError(
                _("The text contains a personal identity number. Remove it and send again.")
            )
    if activity is not None and area is None:
        area = activity.area
    knowledge_input = KnowledgeInput(
        organisation=organisation,
        sent_by=actor,
        activity=activity,
        area=area,
        text=text,
        suggestions=suggestions,
        settings=list(settings),
        city_districts=list(city_districts),
    )
    knowledge_input.full_clean()
    knowledge_input.save()
    knowledge_input.forms_of_racism.set(forms_of_racism)
    from . import notifications

    notifications.knowledge_input_received(knowledge_input)
    return knowledge_input
