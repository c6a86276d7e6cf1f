"""Anonymous full-page cache and the generation that invalidates it (and template fragments).

What is cached: the response to an anonymous GET or HEAD of a public page (Wagtail's pages and the views
each app registers with `register_app`: the consultation, meeting and organisation lists and pages),
for `PORTAL_PAGE_CACHE_SECONDS`, in the default cache (Redis in production, local memory otherwise).

Why it is safe to share:
- A request that carries a session or a messages cookie never reads or fills the cache, so a signed-in
  person (or one with a pending "you are logged out" message) always gets a freshly rendered page.
- A response is stored only when it sets no cookie. A page with a form that posts calls Django's
  `get_token()`, which makes CsrfViewMiddleware set the CSRF cookie: such a page (log-in, contact form,
  password-protected Wagtail page) is therefore never stored, and no cached page carries a CSRF token.
- Only status 200, not streamed, not marked private/no-cache/no-store, varying on nothing but Cookie,
  Accept-Language and Accept-Encoding, and rendered for an anonymous user.
- The key holds scheme, host and the full path with its query string; the language follows from the path
  (`/` is Swedish, `/en/` English), and a response in another language than its path's is not stored.

Invalidation: every entry records the *generation* it was rendered in; a change to content that public
pages show (a Wagtail page published, unpublished, moved or deleted; any saved or deleted row of the
apps registered with `register_app` or of the models in `PORTAL_PAGE_CACHE_INVALIDATING_MODELS`, any
Wagtail page or setting, less the ignored models) sets a new
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
from functools import lru_cache
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http.cookie import parse_cookie
from django.utils import translation
from django.utils.cache import cc_delim_re, patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "portal:pagecache:generation"
SCOPE_KEY_PREFIX = "portal:pagecache:scope:"
PAGE_KEY_PREFIX = "portal:page:"
CACHE_HEADER = "X-Page-Cache"

# The page cache knows no domain app: each app registers the URL names of its public pages and says that
# its rows invalidate (`register_app`, called from its AppConfig.ready()). Wagtail's pages are the
# portal's own; the Wagtail and tagging apps below hold what those pages show.
PORTAL_VIEWS = ("wagtail_serve",)
PORTAL_INVALIDATING_APPS = (
    "wagtailcore",
    "wagtailredirects",
    "wagtailimages",
    "wagtaildocs",
    "taggit",
)
# From apps not registered: these models, and every Wagtail page type and site setting wherever it is
# defined. (Not the whole `portal` app: it also records log-ins and audit entries on every request.)
DEFAULT_INVALIDATING_MODELS = ("portal.user",)
# Rows no public page shows (or that change with every request); saving them keeps the cache. Apps add
# their own with `register_app(..., ignored_models=...)`.
PORTAL_IGNORED_MODELS = (
    "portal.auditentry",
    "wagtailcore.pagesubscription",
    "wagtailcore.pagelogentry",
    "wagtailcore.modellogentry",
    "wagtailcore.referenceindex",
    "wagtailcore.uploadedfile",
    "wagtailcore.taskstate",
    "wagtailcore.workflowstate",
)
_registered_views: list = []
_registered_apps: list = []
_registered_ignored: list = []


def register_app(app_label: str, *, views=(), ignored_models=()) -> None:
    """Public pages show rows of `app_label`: any saved or deleted row of it makes them stale, less the
    `ignored_models` (labels such as "consultations.export": rows no public page shows). `views` are the
    URL names of the app's public pages that the cache may store for anonymous visitors. Called from the
    app's AppConfig.ready(); safe to repeat. The settings `PORTAL_PAGE_CACHE_VIEWS`,
    `PORTAL_PAGE_CACHE_INVALIDATING_APPS` and `PORTAL_PAGE_CACHE_IGNORED_MODELS` replace what is
    registered when they are set."""
    for target, values in (
        (_registered_apps, (app_label,)),
        (_registered_views, views),
        (_registered_ignored, (label.lower() for label in ignored_models)),
    ):
        for value in values:
            if value not in target:
                target.append(value)


def cached_views() -> tuple:
    return tuple(getattr(settings, "PORTAL_PAGE_CACHE_VIEWS", None) or (*PORTAL_VIEWS, *_registered_views))


def invalidating_apps() -> tuple:
    configured = getattr(settings, "PORTAL_PAGE_CACHE_INVALIDATING_APPS", None)
    return tuple(configured or (*_registered_apps, *PORTAL_INVALIDATING_APPS))


def ignored_models() -> tuple:
    configured = getattr(settings, "PORTAL_PAGE_CACHE_IGNORED_MODELS", None)
    return tuple(configured or (*PORTAL_IGNORED_MODELS, *_registered_ignored))


_SAFE_VARY = {"cookie", "accept-language", "accept-encoding"}
_MAX_PATH = 500


def page_cache_seconds() -> int:
    return int(getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0) or 0)


# --- Generation ---------------------------------------------------------------------------------------


def _scope_key(scope: str) -> str:
    return SCOPE_KEY_PREFIX + scope


def generations(scopes=()) -> tuple:
    """The generation and those of `scopes`, in one cache round trip (creating any that is missing: a
    scope that was evicted or expired starts again from a new random value, so no entry stored under its
    old value can match it by chance)."""
    keys = [GENERATION_KEY, *(_scope_key(scope) for scope in scopes)]
    found = cache.get_many(keys)
    return _complete(keys, found)


def _complete(keys, found) -> tuple:
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            cache.add(key, uuid.uuid4().hex, timeout=None if key == GENERATION_KEY else SCOPE_SECONDS)
            value = cache.get(key)
        values.append(value)
    return tuple(values)


def _set_new_generation(scopes=None) -> None:
    try:
        if scopes:
            cache.set_many({_scope_key(scope): uuid.uuid4().hex for scope in scopes}, timeout=SCOPE_SECONDS)
        else:
            cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - an unreachable cache has nothing stale to serve either
        logger.warning("Page cache: could not set a new generation", exc_info=True)


def invalidate_pages(scopes=None) -> None:
    """Make cached pages and fragments stale: now, and again when the current transaction commits (so that
    a page rendered from the old rows meanwhile is not kept). Without `scopes`, every page; with them,
    only the pages that depend on those scopes (see `register_scopes`). Safe to call any number of times;
    services may call it after a change that bypasses model signals (`QuerySet.update()`)."""
    scopes = tuple(sorted(set(scopes))) if scopes else None
    _set_new_generation(scopes)
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(entry[1], "_portal_scopes", False) == scopes
        for entry in getattr(connection, "run_on_commit", ())
    ):
        return  # already due after this transaction (a service that saves many rows)

    def after_commit():
        _set_new_generation(scopes)

    after_commit._portal_scopes = scopes
    transaction.on_commit(after_commit)


# --- Scopes -------------------------------------------------------------------------------------------
#
# Most changes make every public page stale. A few kinds of row change often and show on few pages: a
# comment shows on its consultation's page and in the consultation list's counts, nowhere else. Such a
# model is registered with the scopes a row of it touches, and the public pages say, from their path
# alone (so that the WSGI front can tell before Django runs), which scopes they depend on. A saved
# comment then re-renders two pages, not the whole site, however many people comment at once.

# A scope's generation lives an hour, then starts again from a new random value: that only ever turns
# hits into misses (no entry can hold the new value), and it bounds what addresses under a scoped path
# that no page has (`/samraden/no-such-slug/`) can leave in Redis.
SCOPE_SECONDS = 3600
_instance_scopes: dict = {}  # model label -> callable(instance) -> scope names
_path_scopes: list = []  # callables(path without the language prefix) -> scope names


def register_scopes(model, *, of_instance, of_path) -> None:
    """Changes to rows of `model` make stale only the scopes `of_instance(row)` names, instead of every
    page; `of_path(path)` names the scopes a public page at `path` (without its language prefix, e.g.
    `/samraden/x/` for `/en/samraden/x/`) depends on. Called from an app's `ready()`."""
    _instance_scopes[model._meta.label_lower] = of_instance
    if of_path not in _path_scopes:
        _path_scopes.append(of_path)


def scopes_of_path(path: str) -> tuple:
    if not _path_scopes:
        return ()
    for prefix in _language_prefixes():
        if path.startswith(prefix):
            path = path[len(prefix) - 1 :]
            break
    return tuple(scope for scoper in _path_scopes for scope in scoper(path))


@lru_cache(maxsize=1)
def _language_prefixes() -> tuple:
    """`/en/` and the like: the path prefixes of the languages other than the default one."""
    return tuple(f"/{code}/" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


# --- Signals ------------------------------------------------------------------------------------------


def _invalidates(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return False
    if meta.label_lower in ignored_models():
        return False
    if meta.app_label in invalidating_apps():
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
    invalidate_pages(_scopes_of(sender, instance))


def _on_delete(sender, instance=None, **kwargs):
    if _invalidates(sender):
        invalidate_pages(_scopes_of(sender, instance))


def _scopes_of(sender, instance):
    """The scopes a change to `instance` touches, or None for every page."""
    scoper = _instance_scopes.get(sender._meta.label_lower)
    return tuple(scoper(instance)) or None if scoper and instance is not None else None


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
#
# A hit is answered by `PageCacheApplication`, the WSGI application of portal/wsgi.py, before Django
# builds a request: one Redis round trip and no middleware. The same lookup runs in the middleware for
# every other entry point (Django's test client, runserver), and the middleware stores what it sees on the
# finished response. Both work on the WSGI environ (`request.META`), so they compute the same key.

ENVIRON_GENERATION = "portal.page_cache.generation"  # set by the WSGI layer after a miss


def _scheme(environ) -> str:
    """`HttpRequest.scheme` from the environ (the TLS proxy's header when SECURE_PROXY_SSL_HEADER is set)."""
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        header, secure_value = proxy_header
        value = environ.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return environ.get("wsgi.url_scheme", "http")


def _raw_host(environ) -> str:
    """`HttpRequest._get_raw_host()` from the environ. Not validated here: a key is only ever stored for a
    request that Django accepted (ALLOWED_HOSTS), so an unknown host never finds an entry."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        return environ["HTTP_X_FORWARDED_HOST"]
    if "HTTP_HOST" in environ:
        return environ["HTTP_HOST"]
    return f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"


def environ_is_cacheable(environ) -> bool:
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    if "HTTP_AUTHORIZATION" in environ or "HTTP_HX_REQUEST" in environ:
        return False
    path = environ.get("PATH_INFO", "")
    if len(path) + len(environ.get("QUERY_STRING", "")) > _MAX_PATH:
        return False
    for prefix in (settings.STATIC_URL, settings.MEDIA_URL):  # WhiteNoise's files and uploads
        if prefix and prefix.startswith("/") and path.startswith(prefix):
            return False
    cookie_header = environ.get("HTTP_COOKIE")
    if cookie_header:
        cookies = parse_cookie(cookie_header)
        if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
            return False
    return True


def environ_key(environ) -> str:
    """Scheme, host, script name, path and query string. The language is not part of it because it follows
    from the path: every public page is under `i18n_patterns(prefix_default_language=False)`, so `/en/...`
    is English and any other path Swedish, whatever the visitor's cookie or Accept-Language say
    (`_response_is_cacheable` checks that the response is in that language before it is stored)."""
    raw = "|".join(
        (
            _scheme(environ),
            _raw_host(environ),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )
    )
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def page_key(request) -> str:
    return environ_key(request.META)


def lookup(environ):
    """(generation, entry): the current generations of the page's scopes (the site-wide one first), and
    the stored entry for this request if it was rendered in those (else None). One cache round trip.
    Raises when the cache cannot be reached."""
    key = environ_key(environ)
    generation_keys = [GENERATION_KEY, *(_scope_key(s) for s in scopes_of_path(environ.get("PATH_INFO", "")))]
    found = cache.get_many([*generation_keys, key])
    generation = _complete(generation_keys, found)
    entry = found.get(key)
    if entry is not None and entry[0] != generation:
        entry = None
    return generation, entry


def _language_of_path(request) -> str:
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _response_is_cacheable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in cached_views():
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = {
        part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if cache_control & {"private", "no-cache", "no-store"}:
        return False
    if response.get("Content-Language") != _language_of_path(request):
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
    """Stores anonymous public pages (see the module docstring), and serves them when the request did not
    come through `PageCacheApplication` (which answers hits before Django runs).

    It is the first middleware, so that the entry holds the finished response with the headers that the
    middleware inside it added (security headers, Content-Security-Policy, Permissions-Policy,
    Content-Language, Vary), and so that it sees what must not be stored: the CSRF cookie that
    CsrfViewMiddleware sets on a page with a form, a session or messages cookie, the signed-in user that
    AuthenticationMiddleware put on the request, and the view that resolved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = page_cache_seconds()
        environ = request.META
        if timeout <= 0 or not environ_is_cacheable(environ):
            return self.get_response(request)
        generation = environ.get(ENVIRON_GENERATION)
        if generation is None:
            try:
                generation, entry = lookup(environ)
            except Exception:  # noqa: BLE001 - without a cache, serve the page uncached
                logger.warning("Page cache unavailable", exc_info=True)
                return self.get_response(request)
            if entry is not None:
                response = _rebuild(entry)
                response[CACHE_HEADER] = "hit"
                return response
        response = self.get_response(request)
        if _response_is_cacheable(request, response):
            # The page differs for a signed-in visitor. SessionMiddleware adds this only when the session
            # was read, which a page served from the cache never does.
            patch_vary_headers(response, ("Cookie",))
            headers = [(name, value) for name, value in response.items() if name != CACHE_HEADER]
            try:
                cache.set(
                    page_key(request), (generation, response.status_code, headers, response.content), timeout
                )
            except Exception:  # noqa: BLE001
                logger.warning("Page cache: could not store %s", request.path, exc_info=True)
            response[CACHE_HEADER] = "miss"
        return response


class PageCacheApplication:
    """The portal's WSGI application (portal/wsgi.py): Django's, with cache hits answered in front of it.

    A hit for an anonymous GET or HEAD costs one Redis round trip and no Django request, middleware or
    signal; that is what lets a cached page come close to a bare Django view's throughput (bench/load.sh).
    A miss, or any request the cache must not answer, goes to Django unchanged, with the generation already
    read so that the middleware does not read it again."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if page_cache_seconds() > 0 and environ_is_cacheable(environ):
            try:
                generation, entry = lookup(environ)
            except Exception:  # noqa: BLE001 - the middleware logs it and serves the page uncached
                generation, entry = None, None
            if entry is not None:
                _generation, status, headers, content = entry
                start_response(f"{status} {HTTPStatus(status).phrase}", [*headers, (CACHE_HEADER, "hit")])
                return [b"" if environ["REQUEST_METHOD"] == "HEAD" else content]
            if generation is not None:
                environ[ENVIRON_GENERATION] = generation
        return self.application(environ, start_response)
