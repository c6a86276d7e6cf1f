"""The organisations' part of the site search (portal/search.py): the public directory only."""

from django.db.models.signals import m2m_changed
from django.utils.translation import gettext_lazy
from wagtail.search import index

from portal.search import SearchKind, register

from .models import Organisation


def visible(user):
    """Approved organisations that consented to be listed, for every reader (coordinators find the others
    in their own list)."""
    return Organisation.objects.approved().listed()


def describe(organisation: Organisation) -> dict:
    return {"title": organisation.name, "summary": organisation.description}


def _reindex_focus_areas(sender, instance, action, reverse, **kwargs):
    # Focus areas are set after the organisation is saved, so its post_save indexed none of them.
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # a focus area's organisations changed
        for organisation in Organisation.objects.filter(pk__in=kwargs.get("pk_set") or ()):
            index.insert_or_update_object(organisation)
    else:
        index.insert_or_update_object(instance)


def register_kinds() -> None:
    register(
        SearchKind(
            key="organisations",
            label=gettext_lazy("Organisations"),
            model=Organisation,
            visible=visible,
            order=40,
            describe=describe,
        )
    )
    m2m_changed.connect(
        _reindex_focus_areas, sender=Organisation.focus_areas.through, dispatch_uid="search-org-focus-areas"
    )
