from django import template
from django.utils import timezone

from organisations.attribution import attribution

from .. import permissions, selectors

register = template.Library()


@register.simple_tag
def open_consultations(limit: int = 5):
    """For the home page slot: open consultations, closing first on top."""
    return selectors.open_consultations(limit)


@register.filter
def signed(comment) -> str:
    """ "Name, Organisation" for a comment."""
    return attribution(comment.author, comment.organisation)


@register.simple_tag
def comment_permissions(user, comment, is_coordinator=False) -> dict:
    """What `user` may do with one comment, without any query."""
    authenticated = getattr(user, "is_authenticated", False)
    own = authenticated and comment.author_id == user.pk
    live = comment.deleted_at is None and comment.hidden_at is None
    return {
        "edit": own and permissions.can_edit_comment(user, comment),
        "delete": own and comment.deleted_at is None,
        "report": authenticated and not own and live,
        "hide": is_coordinator and comment.hidden_at is None and comment.deleted_at is None,
        "restore": is_coordinator and comment.hidden_at is not None,
    }


@register.filter
def localtime_iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""
