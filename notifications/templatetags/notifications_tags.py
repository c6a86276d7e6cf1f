from django import template

from notifications import unread

register = template.Library()

_CACHE_ATTR = "_notifications_unread_count"


def remember_unread_count(request, count: int) -> None:
    """Lets a view that has counted already spare the header its query."""
    setattr(request, _CACHE_ATTR, count)


def _count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    if request is not None and hasattr(request, _CACHE_ATTR):
        return getattr(request, _CACHE_ATTR)
    count = unread.unread_count(user)
    if request is not None:
        setattr(request, _CACHE_ATTR, count)
    return count


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    """The signed-in user's unread notifications (cached per person: notifications/unread.py).

    `{% unread_notifications_count as n %}`
    """
    return _count(context)


@register.inclusion_tag("notifications/unread_link.html", takes_context=True)
def notifications_link(context):
    """A `<li>` linking to the inbox with the unread count, for the header's account menu."""
    return {"count": _count(context)}
