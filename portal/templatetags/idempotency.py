"""`{% idempotency_field %}`: the hidden key that makes a create form safe to send twice
(portal/idempotency.py). Put it next to `{% csrf_token %}` in every form that creates something."""

from django import template
from django.utils.html import format_html

from portal.idempotency import FIELD_NAME, new_key

register = template.Library()


@register.simple_tag
def idempotency_field():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, new_key())
