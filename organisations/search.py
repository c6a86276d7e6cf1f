"""The organisations' part of the site search (portal/search.py): the public directory only."""

from django.utils.translation import gettext_lazy

from portal.search import SearchKind, register

from .models import Organisation


def visible(user):
    """Approved organisations that consented to be listed, for every reader (coordinators find the others
    in their own list)."""
    return Organisation.objects.approved().listed()


def describe(organisation: Organisation) -> dict:
    return {"title": organisation.name, "summary": organisation.description}


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
