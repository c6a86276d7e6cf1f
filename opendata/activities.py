"""The action plan in the open data (see datasets.py): one row per published activity, from the
plan's pages in the site's default language, with what the activity page shows a visitor."""

from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from actionplan.models import ActivityPage, CityBody, FollowUp


def published_activities():
    """Live, public activities in the default language (links and follow-ups point at those pages)."""
    try:
        locale = Locale.get_default()
    except Locale.DoesNotExist:
        locale = None
    activities = ActivityPage.objects.live().public()
    if locale is not None:
        activities = activities.filter(locale=locale)
    return activities


def _follow_up_counts(activity_ids) -> dict[int, int]:
    """Published follow-ups per activity; a published correction replaces the follow-up it corrects."""
    rows = (
        FollowUp.objects.published()
        .filter(activity_id__in=activity_ids)
        .exclude(pk__in=FollowUp.objects.published().filter(supersedes__isnull=False).values("supersedes"))
        .values("activity_id")
        .annotate(n=Count("pk"))
    )
    return {row["activity_id"]: row["n"] for row in rows}


def _url(activity, site) -> str:
    url = activity.get_url() or ""
    return url if url.startswith("http") else site(url)


def activity_rows():
    from .datasets import _plain, _site

    activities = list(
        published_activities()
        .select_related("responsible_body", "area")
        .prefetch_related(
            Prefetch("cooperating_bodies", queryset=CityBody.objects.order_by("slug")),
            "forms_of_racism",
        )
        .order_by("path")
    )
    follow_ups = _follow_up_counts([a.pk for a in activities])
    for a in activities:
        yield {
            "id": a.pk,
            "title": a.title,
            "description": _plain(a.description),
            "development_area": a.area.code if a.area_id else "",
            "responsible_body": a.responsible_body.slug,
            "responsible_body_name": a.responsible_body.name_sv,
            "cooperating_bodies": "; ".join(b.slug for b in a.cooperating_bodies.all()),
            "status": a.status,
            "period_start": a.period_start,
            "period_end": a.period_end or "",
            "forms_of_racism": "; ".join(sorted(f.slug for f in a.forms_of_racism.all())),
            "follow_ups": follow_ups.get(a.pk, 0),
            "url": _url(a, _site),
        }


def register_dataset() -> None:
    from .datasets import ID, Column, Dataset, register

    C = Column
    register(
        Dataset(
            "activities",
            _("Activities of the action plan"),
            [
                ID,
                C("title", "text", _("Title of the activity.")),
                C("description", "text", _("What the activity is about, without formatting.")),
                C(
                    "development_area",
                    "text",
                    _("The action plan's development area the activity belongs to, by its code."),
                ),
                C("responsible_body", "text", _("The city board or company responsible, by its short name.")),
                C(
                    "responsible_body_name",
                    "text",
                    _("The Swedish name of the responsible board or company."),
                ),
                C(
                    "cooperating_bodies",
                    "text",
                    _("Boards and companies it works with, by their short names, separated by semicolons."),
                ),
                C("status", "text", _("planned, ongoing, completed or discontinued.")),
                C("period_start", "integer", _("The year the activity starts.")),
                C("period_end", "integer", _("The year the activity ends; empty if open-ended.")),
                C(
                    "forms_of_racism",
                    "text",
                    _("Forms of racism addressed, by their short name, separated by semicolons."),
                ),
                C(
                    "follow_ups",
                    "integer",
                    _("Number of published follow-ups; a correction replaces the follow-up it corrects."),
                ),
                C("url", "url", _("The activity's page on the portal.")),
            ],
            activity_rows,
            _("Published activities of the action plan against racism, as their pages show them."),
        )
    )
