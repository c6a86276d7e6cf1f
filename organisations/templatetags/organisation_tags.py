from django import template

from organisations.attribution import attribution as _attribution

register = template.Library()


@register.filter
def attribution(author, organisation=None):
    """`{{ comment.author|attribution:comment.organisation }}` → "Name, Organisation"."""
    return _attribution(author, organisation)


@register.inclusion_tag("organisations/includes/status_badge.html")
def organisation_status(organisation):
    return {"organisation": organisation}
