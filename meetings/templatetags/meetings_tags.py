from django import template

from meetings import selectors

register = template.Library()

HOME_COUNT = 3


@register.simple_tag(takes_context=True)
def home_coming_meetings(context, limit: int = HOME_COUNT):
    """The next meetings the visitor may see, for the home page's slot."""
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    return list(selectors.coming_meetings(user)[:limit])
