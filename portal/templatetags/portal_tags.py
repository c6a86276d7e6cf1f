from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page

from portal import layout

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in each interface language: [{code, name, url, current}].

    For a Wagtail page the link goes to its translation (or to that language's home page when the page
    has none); for any other view the URL is translated by Django's resolver.
    """
    request = context.get("request")
    current = translation.get_language() or settings.LANGUAGE_CODE
    page = context.get("page") if isinstance(context.get("page"), Page) else None
    translations = {}
    homes = {}
    if page is not None:
        for tr in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[tr.locale.language_code] = tr.get_url(request)
        homes = layout.shared(request)["homes"]
    links = []
    for code, name in settings.LANGUAGES:
        if page is not None:
            url = (
                translations.get(code)
                or homes.get(code)
                or ("/" if code == settings.LANGUAGE_CODE else f"/{code}/")
            )
        else:
            path = request.get_full_path() if request else "/"
            url = translate_url(path, code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Pages shown in the main navigation: live children of the current language's home page that are
    marked 'show in menus', as [{url, title, url_path}] (cached: see portal/layout.py)."""
    return layout.shared(context.get("request"))["menu"]


@register.simple_tag(takes_context=True)
def localized_home_url(context):
    return layout.shared(context.get("request"))["home_url"]


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The footer's text, links and addresses from the site settings (cached: see portal/layout.py)."""
    return layout.shared(context.get("request"))["footer"]


@register.simple_tag
def home_slot_templates():
    """The templates named in `PORTAL_HOME_SLOTS`, which the domain apps provide to show their part
    of the home page (open consultations, coming meetings) without the portal importing them."""
    return list(getattr(settings, "PORTAL_HOME_SLOTS", []))


@register.simple_tag(takes_context=True)
def include_if_exists(context, template_name):
    """Render `template_name` with the current context, or nothing when no such template exists.

    Only a missing template is forgiven: an error inside a template that exists is raised as usual."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        template = get_template(template_name)
    except TemplateDoesNotExist:
        return ""
    return template.render(context.flatten(), context.get("request"))


@register.filter
def elided_page_range(page_obj):
    """The page numbers a pagination bar links to: the first and last page and two on each side of the
    current one, with `Paginator.ELLIPSIS` for the gaps. A link per page made a list page's size and
    rendering time grow with the number of rows in the whole list."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
