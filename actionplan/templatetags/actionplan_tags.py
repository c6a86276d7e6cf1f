from django import template

from actionplan.selectors import STATUS_BADGES

register = template.Library()


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "badge--neutral")


@register.filter
def bar_chart(table):
    from django.utils.safestring import mark_safe

    from actionplan.dashboard import bar_chart as draw

    return mark_safe(draw(table))  # noqa: S308 - every text in it is escaped by draw()
