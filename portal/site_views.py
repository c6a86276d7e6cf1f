import logging

from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import translation
from wagtail.models import Locale, Page

from portal.two_factor import coordinator_required

logger = logging.getLogger(__name__)


def search(request):
    """Site search over the live pages of the current language (Wagtail's search backend)."""
    # PostgreSQL refuses a NUL in any text it is sent (a 500 before this).
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    results = Page.objects.none()
    if query:
        pages = Page.objects.live().public().specific()
        try:
            pages = pages.filter(locale=Locale.get_active())
        except Locale.DoesNotExist:
            pass
        results = pages.search(query)
    paginator = Paginator(results, 10)
    page_obj = paginator.get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "portal/search.html",
        {"query": query, "page_obj": page_obj, "results": page_obj.object_list},
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the site's own page, in the visitor's language, instead of Django's bare one
    (whose inline styles the Content-Security-Policy blocks). The technical reason goes to the log only."""
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return TemplateResponse(request, "403_csrf.html", {}, status=403)


def server_error(request):
    # Rendered without the request context: the failure may lie in a context processor.
    response = render(None, "500.html", {"LANGUAGE_CODE": translation.get_language()})
    response.status_code = 500
    return response


@coordinator_required
def coordinator_hub(request):
    """Links to every coordinator screen; the screens themselves check permission again."""
    return TemplateResponse(request, "portal/coordinator_hub.html", {})
