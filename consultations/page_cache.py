"""The consultations' part of the anonymous page cache (portal/caching.py): the public pages it may store
(the list and a consultation's page), the rows that make pages stale (all of this app's, less exports and
comment reports, which no public page shows), and what a comment makes stale ("Scopes").

A comment shows on its consultation's page and in the consultation list's comment counts, and on no
other public page. Registered in ConsultationsConfig.ready(), so that a busy consultation's comments
re-render two pages instead of the whole site. Every other change in this app (a consultation published
or edited, an outcome, a response) still makes every page stale.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import reverse
from django.utils import translation

LIST_SCOPE = "consultations:list"


def consultation_scope(slug: str) -> str:
    return f"consultation:{slug}"


@lru_cache(maxsize=1)
def _list_path() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("consultations:list")


def scopes_of_path(path: str) -> tuple:
    """`/samraden/` (with any query string) depends on the list scope; `/samraden/<slug>/…` on the
    consultation's own scope."""
    prefix = _list_path()
    if not path.startswith(prefix):
        return ()
    rest = path[len(prefix) :]
    if not rest:
        return (LIST_SCOPE,)
    return (consultation_scope(rest.split("/", 1)[0]),)


def scopes_of_comment(comment) -> tuple:
    from consultations.models import Comment, Consultation

    if Comment._meta.get_field("consultation").is_cached(comment):
        slug = comment.consultation.slug
    else:
        slug = Consultation.objects.filter(pk=comment.consultation_id).values_list("slug", flat=True).first()
    return (LIST_SCOPE, consultation_scope(slug)) if slug else (LIST_SCOPE,)


def register() -> None:
    from consultations.models import Comment
    from portal import caching

    caching.register_app(
        "consultations",
        views=("consultations:list", "consultations:detail"),
        ignored_models=("consultations.export", "consultations.commentreport"),
    )
    caching.register_scopes(Comment, of_instance=scopes_of_comment, of_path=scopes_of_path)
