"""Who may do what with a consultation. Small predicates, each answering for one (user, object); the
services check them again, so a view that forgot one still cannot change anything."""

from django.utils import timezone

from organisations import permissions as org_permissions
from organisations.attribution import speaking_for_memberships

from .models import COMMENT_EDIT_WINDOW, Comment, Consultation, Response

is_coordinator = org_permissions.is_coordinator


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def in_audience(consultation: Consultation, organisation) -> bool:
    if not organisation.is_approved:
        return False
    if consultation.audience == Consultation.Audience.ALL:
        return True
    cache = getattr(consultation, "_invited_ids", None)
    if cache is None:
        cache = consultation._invited_ids = set(
            consultation.invited_organisations.values_list("pk", flat=True)
        )
    return organisation.pk in cache


def participating_organisations(user, consultation: Consultation) -> list:
    """The approved organisations in the audience for which `user` may speak (comment, draft a response)."""
    if not _authenticated(user):
        return []
    cache = getattr(user, "_consultation_orgs_cache", None)
    if cache is None:
        cache = user._consultation_orgs_cache = {}
    if consultation.pk not in cache:
        memberships = list(speaking_for_memberships(user))
        cache[consultation.pk] = [
            m.organisation for m in memberships if in_audience(consultation, m.organisation)
        ]
    return cache[consultation.pk]


def can_view(user, consultation: Consultation) -> bool:
    return consultation.published_at is not None or is_coordinator(user)


def can_comment(user, consultation: Consultation) -> bool:
    return consultation.is_open and bool(participating_organisations(user, consultation))


def can_speak_for(user, consultation: Consultation, organisation) -> bool:
    return any(org.pk == organisation.pk for org in participating_organisations(user, consultation))


def can_edit_comment(user, comment: Comment, now=None) -> bool:
    now = now or timezone.now()
    return (
        _authenticated(user)
        and comment.author_id == user.pk
        and comment.deleted_at is None
        and comment.hidden_at is None
        and comment.consultation.is_open
        and now < comment.created + COMMENT_EDIT_WINDOW
    )


def can_delete_comment(user, comment: Comment) -> bool:
    return _authenticated(user) and comment.author_id == user.pk and comment.deleted_at is None


def can_report_comment(user, comment: Comment) -> bool:
    return (
        _authenticated(user)
        and comment.author_id != user.pk
        and comment.deleted_at is None
        and comment.hidden_at is None
    )


def can_edit_response(user, consultation: Consultation, organisation) -> bool:
    """Any member of a participating organisation edits the draft while the consultation is open."""
    return consultation.is_open and can_speak_for(user, consultation, organisation)


def can_view_response_draft(user, organisation) -> bool:
    """Drafts stay inside the organisation."""
    return org_permissions.is_member(user, organisation)


def can_submit_response(user, consultation: Consultation, organisation) -> bool:
    """Only an organisation admin submits, and only while the consultation is open."""
    return can_edit_response(user, consultation, organisation) and org_permissions.is_organisation_admin(
        user, organisation
    )


def can_read_submitted_responses(user, consultation: Consultation) -> bool:
    """Everyone's submitted responses, after closing, as the consultation says."""
    if is_coordinator(user):
        return True
    if not consultation.has_ended:
        return False
    visibility = consultation.responses_visibility
    if visibility == Consultation.ResponsesVisibility.PUBLIC:
        return True
    if visibility == Consultation.ResponsesVisibility.MEMBERS:
        return bool(_authenticated(user) and speaking_for_memberships(user).exists())
    return False


def can_read_response(user, response: Response) -> bool:
    """A submitted response: its own organisation always, others as `can_read_submitted_responses`."""
    return org_permissions.is_member(user, response.organisation) or can_read_submitted_responses(
        user, response.consultation
    )
