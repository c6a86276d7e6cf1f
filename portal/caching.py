"""Anonymous full-page cache and the generation that invalidates it (and template fragments).

What is cached: the response to an anonymous GET or HEAD of a public page (the views named in
`PORTAL_PAGE_CACHE_VIEWS`: Wagtail's pages, the consultation, meeting and organisation lists and pages),
for `PORTAL_PAGE_CACHE_SECONDS`, in the default cache (Redis in production, local memory otherwise).

Why it is safe to share:
- A request that carries a session or a messages cookie never reads or fills the cache, so a signed-in
  person (or one with a pending "you are logged out" message) always gets a freshly rendered page.
- A response is stored only when it sets no cookie. A page with a form that posts calls Django's
  `get_token()`, which makes CsrfViewMiddleware set the CSRF cookie: such a page (log-in, contact form,
  password-protected Wagtail page) is therefore never stored, and no cached page carries a CSRF token.
- Only status 200, not streamed, not marked private/no-cache/no-store, varying on nothing but Cookie,
  Accept-Language and Accept-Encoding, and rendered for an anonymous user.
- The key holds scheme, host, active language and the full path with its query string, so `/` (Swedish)
  and `/en/` (English) are separate entries.

Invalidation: every entry records the *generation* it was rendered in; a change to content that public
pages show (a Wagtail page published, unpublished, moved or deleted; any saved or deleted row of the
apps in `PORTAL_PAGE_CACHE_INVALIDATING_APPS` or of the models in `..._INVALIDATING_MODELS`, any Wagtail
page or setting, less `PORTAL_PAGE_CACHE_IGNORED_MODELS`) sets a new
generation, and entries of older generations are never served again. The generation changes at once and
again after the transaction commits, so a request that rendered the old data while the transaction was
open cannot store it under the new generation. Pages whose content changes with the clock alone (a
consultation that opens at nine) are at most `PORTAL_PAGE_CACHE_SECONDS` late.

We wrote this middleware instead of using wagtail-cache or Django's cache middleware because both key
only on the URL of Wagtail pages or views and purge by clearing the whole cache backend (which also holds
rate-limit counters), while the portal's public pages are mostly Django views over domain models that
change through services; wagtail-cache also caches CSRF pages per cookie, which we prefer not to.
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation
from django.utils.cache import cc_delim_re, patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "portal:pagecache:generation"
PAGE_KEY_PREFIX = "portal:page:"
CACHE_HEADER = "X-Page-Cache"

DEFAULT_VIEWS = (
    "wagtail_serve",
    "consultations:list",
    "consultations:detail",
    "meetings:list",
    "meetings:past",
    "meetings:detail",
    "organisations:directory",
    "organisations:detail",
)
DEFAULT_INVALIDATING_APPS = (
    "consultations",
    "meetings",
    "organisations",
    "wagtailcore",
    "wagtailredirects",
    "wagtailimages",
    "wagtaildocs",
    "taggit",
)
# From apps not listed above: these models, and every Wagtail page type and site setting wherever it is
# defined. (Not the whole `portal` app: it also records log-ins and audit entries on every request.)
DEFAULT_INVALIDATING_MODELS = ("portal.user",)
# Rows no public page shows (or that change with every request); saving them keeps the cache.
DEFAULT_IGNORED_MODELS = (
    "portal.auditentry",
    "consultations.export",
    "consultations.commentreport",
    "meetings.calendartoken",
    "organisations.invitation",
    "organisations.joinrequest",
    "wagtailcore.pagesubscription",
    "wagtailcore.pagelogentry",
    "wagtailcore.modellogentry",
    "wagtailcore.referenceindex",
    "wagtailcore.uploadedfile",
    "wagtailcore.taskstate",
    "wagtailcore.workflowstate",
)
_SAFE_VARY = {"cookie", "accept-language", "accept-encoding"}
_MAX_PATH = 500


def page_cache_seconds() -> int:
    return int(getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0) or 0)


# --- Generation ---------------------------------------------------------------------------------------


def current_generation() -> str:
    """The current generation, creating one when the cache has none (first use, or evicted)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _set_new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - an unreachable cache has nothing stale to serve either
        logger.warning("Page cache: could not set a new generation", exc_info=True)


def invalidate_pages() -> None:
    """Make every cached page and fragment stale: now, and again when the current transaction commits
    (so that a page rendered from the old rows meanwhile is not kept). Safe to call any number of times;
    services may call it after a change that bypasses model signals (`QuerySet.update()`)."""
    _set_new_generation()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is _set_new_generation for entry in getattr(connection, "run_on_commit", ())
    ):
        return  # already due after this transaction (a service that saves many rows)
    transaction.on_commit(_set_new_generation)


# --- Signals ------------------------------------------------------------------------------------------


def _invalidates(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return False
    if meta.label_lower in getattr(settings, "PORTAL_PAGE_CACHE_IGNORED_MODELS", DEFAULT_IGNORED_MODELS):
        return False
    if meta.app_label in getattr(settings, "PORTAL_PAGE_CACHE_INVALIDATING_APPS", DEFAULT_INVALIDATING_APPS):
        return True
    if meta.label_lower in getattr(
        settings, "PORTAL_PAGE_CACHE_INVALIDATING_MODELS", DEFAULT_INVALIDATING_MODELS
    ):
        return True
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page

    return issubclass(sender, (Page, BaseSiteSetting, BaseGenericSetting))


def _on_save(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw or not _invalidates(sender):
        return
    # A log-in stamps last_login on the user: nothing public changes.
    if update_fields and set(update_fields) <= {"last_login"}:
        return
    invalidate_pages()


def _on_delete(sender, **kwargs):
    if _invalidates(sender):
        invalidate_pages()


def _on_m2m(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and (
        _invalidates(kwargs["model"]) or _invalidates(type(kwargs["instance"]))
    ):
        invalidate_pages()


def _on_page_event(sender, **kwargs):
    invalidate_pages()


def connect_signals() -> None:
    """Connected once from PortalConfig.ready(), so that changes made in Celery tasks and management
    commands invalidate the cache too, not only those made in web requests."""
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    post_save.connect(_on_save, dispatch_uid="portal.caching.save")
    post_delete.connect(_on_delete, dispatch_uid="portal.caching.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="portal.caching.m2m")
    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(_on_page_event, dispatch_uid=f"portal.caching.{id(signal)}")


# --- Full-page cache ----------------------------------------------------------------------------------


def _request_is_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    if "HTTP_AUTHORIZATION" in request.META or "HTTP_HX_REQUEST" in request.META:
        return False
    return len(request.get_full_path()) <= _MAX_PATH


def page_key(request) -> str:
    raw = "|".join(
        (request.scheme, request.get_host(), translation.get_language() or "", request.get_full_path())
    )
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _response_is_cacheable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    match = getattr(request, "resolver_match", None)
    views = getattr(settings, "PORTAL_PAGE_CACHE_VIEWS", DEFAULT_VIEWS)
    if match is None or match.view_name not in views:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = {
        part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if cache_control & {"private", "no-cache", "no-store"}:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    return vary <= _SAFE_VARY


def _rebuild(entry):
    from django.http import HttpResponse

    _generation, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


class AnonymousPageCacheMiddleware:
    """Serves and stores anonymous public pages (see the module docstring). Sits after LocaleMiddleware
    (the language is part of the key) and before CsrfViewMiddleware (whose CSRF cookie must be seen on
    the response, so that pages with forms are never stored)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = page_cache_seconds()
        if timeout <= 0 or not _request_is_cacheable(request):
            return self.get_response(request)
        key = page_key(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY) or current_generation()
        except Exception:  # noqa: BLE001 - without a cache, serve the page uncached
            logger.warning("Page cache unavailable", exc_info=True)
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            response = _rebuild(entry)
            response[CACHE_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _response_is_cacheable(request, response):
            # The page differs for a signed-in visitor. SessionMiddleware (outside this one) would add
            # this only when the session was read, which a page served from the cache never does.
            patch_vary_headers(response, ("Cookie",))
            headers = [(name, value) for name, value in response.items() if name != CACHE_HEADER]
            try:
                cache.set(key, (generation, response.status_code, headers, response.content), timeout)
            except Exception:  # noqa: BLE001
                logger.warning("Page cache: could not store %s", request.path, exc_info=True)
            response[CACHE_HEADER] = "miss"
        return response
