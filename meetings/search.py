"""The meetings' part of the site search (portal/search.py): meetings and published minutes, each only
for those who may see them."""

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.search import SearchKind, register

from . import permissions, selectors
from .models import Meeting, Minutes


def visible_minutes(user):
    """Published minutes: public ones for everyone, members-only ones for the invited organisations'
    members and for coordinators."""
    minutes = Minutes.objects.filter(state=Minutes.State.PUBLISHED).select_related("meeting")
    if permissions.is_coordinator(user):
        return minutes
    public = minutes.filter(audience=Minutes.Audience.PUBLIC)
    orgs = permissions.approved_organisation_ids(user)
    if not orgs:
        return public
    # The participants of a meeting (meetings/permissions.py): members of an invited organisation, or of
    # any approved organisation when the meeting invites all.
    invited = Q(meeting__invite_all_approved=True) | Q(meeting__invitations__organisation_id__in=orgs)
    members = Minutes.objects.filter(audience=Minutes.Audience.MEMBERS).filter(invited).values("pk")
    return minutes.filter(Q(audience=Minutes.Audience.PUBLIC) | Q(pk__in=members))


def describe_meeting(meeting: Meeting) -> dict:
    return {
        "title": meeting.title,
        "summary": meeting.description,
        "meta": formats.date_format(meeting.start, "j F Y"),
    }


def describe_minutes(minutes: Minutes) -> dict:
    return {
        "title": _("Minutes: %(title)s") % {"title": minutes.meeting.title},
        "summary": minutes.introduction,
        "meta": formats.date_format(minutes.meeting.start, "j F Y"),
    }


def register_kinds() -> None:
    register(
        SearchKind(
            key="meetings",
            label=gettext_lazy("Meetings"),
            model=Meeting,
            visible=selectors.visible_meetings,
            order=20,
            describe=describe_meeting,
        )
    )
    register(
        SearchKind(
            key="minutes",
            label=gettext_lazy("Minutes"),
            model=Minutes,
            visible=visible_minutes,
            order=30,
            describe=describe_minutes,
        )
    )
