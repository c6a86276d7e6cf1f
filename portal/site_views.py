import logging

from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import translation

from portal import search as site_search
from portal.two_factor import coordinator_required

logger = logging.getLogger(__name__)


def search(request):
    """Site search over every registered kind (portal/search.py), each filtered by what the reader may
    see. Without ?kind= the first hits of each kind, grouped; with ?kind= that kind alone, paginated."""
    # PostgreSQL refuses a NUL in any text it is sent (a 500 before this).
    query = request.GET.get("q", "").replace("\x00", "").strip()[: site_search.QUERY_MAX_LENGTH]
    kind = site_search.get_kind(request.GET.get("kind", ""))
    context = {"query": query, "kind": kind, "kinds": site_search.kinds(), "groups": [], "page_obj": None}
    if query and kind is not None:
        objects = site_search.matching(kind, query, request.user)
        page_obj = Paginator(objects, site_search.PAGE_SIZE).get_page(request.GET.get("page"))
        context.update({"page_obj": page_obj, "hits": [kind.hit(obj) for obj in page_obj.object_list]})
        context["total"] = page_obj.paginator.count
    elif query:
        context["groups"] = site_search.search_all(query, request.user)
        context["total"] = sum(group["count"] for group in context["groups"])
    return TemplateResponse(request, "portal/search.html", context)


def _error_page(request, status: int, template: str | None = None):
    # TemplateResponse would be rendered by middleware that may not run for a handler's response: render
    # now, with the request (site header, language links, the reader's language from the URL prefix).
    return render(request, template or f"{status}.html", {"status_code": status}, status=status)


def page_not_found(request, exception=None):
    return _error_page(request, 404)


def bad_request(request, exception=None):
    return _error_page(request, 400)


def permission_denied(request, exception=None):
    return _error_page(request, 403)


def gone(request, exception=None):
    """For views that answer 410 without a page of their own (see ErrorPageMiddleware)."""
    return _error_page(request, 410)


def rate_limited(request, exception=None):
    """handler429: allauth's rate limits (log-in, sign-up, password reset) answer with this page."""
    return _error_page(request, 429)


ERROR_VIEWS = {400: bad_request, 403: permission_denied, 404: page_not_found, 410: gone, 429: rate_limited}


class ErrorPageMiddleware:
    """Gives an error response with no body of its own (a bare HttpResponseGone(), HttpResponseForbidden()
    or HttpResponseBadRequest() from any view or library) the portal's page for its status, so that
    no reader meets a blank or English-only page. Responses with content (JSON errors of an API, a view's
    own error page) are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        view = ERROR_VIEWS.get(response.status_code)
        if view is None or response.streaming or response.content or request.method == "HEAD":
            return response
        if request.path.startswith("/admin/"):  # Wagtail's admin has its own error handling
            return response
        page = view(request)
        for header in ("Retry-After", "Allow", "Vary"):
            if header in response:
                page[header] = response[header]
        return page


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
