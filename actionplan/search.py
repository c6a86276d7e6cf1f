"""The action plan's part of the site search (portal/search.py): its published activities, found by words
in their title or description (ActivityPage.search_fields), in the reader's language."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Locale

from portal.search import SearchKind, register

from .models import ActivityPage


def visible_activities(user):
    """Live, public activities in the active language (the same ones the plan's pages list)."""
    activities = ActivityPage.objects.live().public().select_related("responsible_body")
    try:
        return activities.filter(locale=Locale.get_active())
    except Locale.DoesNotExist:
        return activities


def describe_activity(activity: ActivityPage) -> dict:
    meta = activity.get_status_display()
    if activity.responsible_body_id:
        meta = _("%(status)s · responsible: %(body)s") % {
            "status": meta,
            "body": activity.responsible_body.localized_name,
        }
    return {
        "title": activity.title,
        "url": activity.get_url(),
        "summary": activity.description,
        "meta": meta,
    }


def register_kinds() -> None:
    register(
        SearchKind(
            key="activities",
            label=gettext_lazy("Activities in the action plan"),
            model=ActivityPage,
            visible=visible_activities,
            order=15,
            describe=describe_activity,
        )
    )
