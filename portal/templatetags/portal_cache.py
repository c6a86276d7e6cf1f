from django import template

from portal import caching

register = template.Library()


@register.simple_tag
def cache_generation(*scopes) -> str:
    """The page-cache generation, to key a `{% cache %}` fragment so that it goes stale with the pages
    whenever public content changes:

        {% load cache portal_cache %}{% cache_generation as generation %}
        {% cache 300 "home-news" LANGUAGE_CODE generation %} … {% endcache %}

    Name the scopes the fragment depends on, if any (see `portal.caching.register_scopes`), e.g.
    `{% cache_generation "consultations:list" as generation %}` for the consultation list's comment counts.

    Only for fragments that look the same to every visitor: never wrap anything that depends on the
    user (names, counts, buttons, CSRF tokens)."""
    try:
        return "-".join(caching.generations(scopes))
    except Exception:  # noqa: BLE001 - an unreachable cache: the fragment tag then renders uncached too
        return "none"
