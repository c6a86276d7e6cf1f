"""Site search over every kind of thing the portal shows, through Wagtail's search backend.

Each app registers its searchable kinds here (in its AppConfig.ready(), through its own `search.py`), so
`portal` imports no domain app. A kind says which model it searches, which of its rows a reader may see
(`visible(user)`, the same permission-aware queryset the app's own lists use) and how one hit is shown.

The backend (the database backend: PostgreSQL full text, SQLite FTS) finds the matching rows of the whole
model, best first; the kind's `visible(user)` queryset then keeps only what this reader may see. The
backend is never asked to apply the permission filter itself: its filters only work on indexed
FilterFields and cannot express "invited to this meeting".

To add a kind (for example the action plan's activities):

    # actionplan/models.py
    class Activity(index.Indexed, models.Model):
        search_fields = [index.SearchField("title"), index.SearchField("description")]

    # actionplan/search.py, called from ActionplanConfig.ready()
    from portal.search import SearchKind, register

    def register_kinds():
        register(SearchKind(
            key="activities", label=_("Activities in the action plan"), model=Activity, order=15,
            visible=lambda user: Activity.objects.visible_to(user),
            describe=lambda activity: {"summary": activity.description, "meta": activity.status_label},
        ))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.html import strip_tags
from wagtail.search.backends import get_search_backend

# How many matches the backend hands over per kind before the permission filter. Far above what anyone
# reads; it bounds the work of a one-word query on a large index.
MAX_MATCHES = 500
GROUP_SIZE = 5
PAGE_SIZE = 10
QUERY_MAX_LENGTH = 200


@dataclass(frozen=True)
class SearchKind:
    """One searchable kind of thing. `describe(obj)` returns any of title, url, summary and meta (a short
    line such as a date); title and url default to str(obj) and obj.get_absolute_url()."""

    key: str
    label: object  # a lazy translated plural, e.g. _("Consultations")
    model: type[models.Model]
    visible: Callable[[object], models.QuerySet]
    order: int = 50
    describe: Callable[[object], dict] = field(default=lambda obj: {})

    def hit(self, obj) -> dict:
        described = self.describe(obj)
        summary = strip_tags(str(described.get("summary") or "")).strip()
        return {
            "kind": self.key,
            "title": described.get("title") or str(obj),
            "url": described.get("url") or obj.get_absolute_url(),
            "summary": summary,
            "meta": described.get("meta", ""),
        }


_KINDS: dict[str, SearchKind] = {}


def register(kind: SearchKind) -> None:
    """Adds (or replaces, so that a reload is harmless) a searchable kind."""
    _KINDS[kind.key] = kind


def kinds() -> list[SearchKind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.key))


def get_kind(key: str) -> SearchKind | None:
    return _KINDS.get(key)


def matching(kind: SearchKind, query: str, user) -> list:
    """The objects of `kind` that match `query` and that `user` may see, best match first."""
    query = (query or "").strip()[:QUERY_MAX_LENGTH]
    if not query:
        return []
    backend = get_search_backend()
    ranked = [obj.pk for obj in backend.search(query, kind.model.objects.all())[:MAX_MATCHES]]
    if not ranked:
        return []
    rank = {pk: position for position, pk in enumerate(ranked)}
    visible = kind.visible(user).filter(pk__in=ranked)
    return sorted(visible, key=lambda obj: rank[obj.pk])


def search_all(query: str, user) -> list[dict]:
    """Every kind with hits: [{kind, label, count, hits (the first GROUP_SIZE)}], in the kinds' order."""
    groups = []
    for kind in kinds():
        objects = matching(kind, query, user)
        if objects:
            groups.append(
                {
                    "kind": kind,
                    "label": kind.label,
                    "count": len(objects),
                    "hits": [kind.hit(obj) for obj in objects[:GROUP_SIZE]],
                }
            )
    return groups


def register_pages() -> None:
    """The site's own pages (Wagtail), live and public, in the reader's language."""
    from django.utils.translation import gettext_lazy as _
    from wagtail.models import Locale, Page

    def visible(user):
        # Pages that an app registers as a kind of their own (the action plan's activities) are listed
        # there, not twice.
        own_kinds = [k.model for k in kinds() if issubclass(k.model, Page) and k.model is not Page]
        pages = Page.objects.live().public()
        if own_kinds:
            pages = pages.not_type(*own_kinds)
        try:
            pages = pages.filter(locale=Locale.get_active())
        except Locale.DoesNotExist:
            pass
        return pages.specific()

    def describe(page):
        summary = ""
        for attr in ("search_description", "intro", "introduction"):
            summary = getattr(page, attr, "") or ""
            if summary:
                break
        return {"title": page.title, "url": page.get_url(), "summary": summary}

    register(
        SearchKind(key="pages", label=_("Pages"), model=Page, visible=visible, order=90, describe=describe)
    )
