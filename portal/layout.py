"""The shared layout, paid once: what every page's header and footer show, cached across requests.

Every page, signed in or not, shows the same header and footer: the localised home page's address, the
main menu (the home page's live children marked "show in menus"), the home pages of the other languages
(for the language switch on a Wagtail page) and the site settings' footer (text, the privacy and
accessibility pages in the reader's language, the contact address). Built from the database that is
about fifteen queries and as many Wagtail URL computations on every request. `shared(request)` builds it
once per site and language, keeps it in the default cache (Redis in production) and, within a request,
on the request (`request._portal_layout`, never on the user).

Invalidation by generation, as the page cache does it (portal/caching.py): the entries' key holds the
layout generation, which any change that can alter the layout renews, at once and again after the
transaction commits (so that a request that rendered the old rows meanwhile cannot store them under the
new generation): a Wagtail page published, unpublished, moved, renamed, saved or deleted; a Site, a
Locale or a site setting saved or deleted. Nothing else can change what it holds.

Per person (`person_value`): values that belong to one signed-in person and that every page shows
(the unread count of the notifications link), cached per user id and forgotten by the app that changes
them (`forget_person_value`), through the signals or query methods it owns.

The cache is a help, never a requirement: when it cannot be read or written (Redis down), every value is
built from the database as before and no error reaches the page.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

logger = logging.getLogger(__name__)

GENERATION_KEY = "portal:layout:generation"
LAYOUT_KEY_PREFIX = "portal:layout:"
PERSON_KEY_PREFIX = "portal:person:"
_REQUEST_ATTR = "_portal_layout"


def layout_seconds() -> int:
    return int(getattr(settings, "PORTAL_LAYOUT_CACHE_SECONDS", 3600))


# --- Generation ---------------------------------------------------------------------------------------


def _generation() -> str | None:
    """The current layout generation, or None when the cache cannot be reached."""
    try:
        value = cache.get(GENERATION_KEY)
        if value is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            value = cache.get(GENERATION_KEY)
        return value
    except Exception:  # noqa: BLE001 - a cache failure is a miss
        logger.warning("Layout cache unavailable", exc_info=True)
        return None


def _renew() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - an unreachable cache holds nothing stale to serve either
        logger.warning("Layout cache: could not set a new generation", exc_info=True)


def invalidate_layout() -> None:
    """Make every cached layout stale, now and after the current transaction commits. Safe to repeat."""
    _renew()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(entry[1], "_portal_layout", False) for entry in getattr(connection, "run_on_commit", ())
    ):
        return

    def after_commit():
        _renew()

    after_commit._portal_layout = True
    transaction.on_commit(after_commit)


def _changes_layout(sender) -> bool:
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Locale, Page, Site

    return isinstance(sender, type) and issubclass(
        sender, (Page, Site, Locale, BaseSiteSetting, BaseGenericSetting)
    )


def _on_row(sender, raw=False, **kwargs):
    if not raw and _changes_layout(sender):
        invalidate_layout()


def _on_page_event(sender, **kwargs):
    invalidate_layout()


def connect_signals() -> None:
    """Connected once from PortalConfig.ready(), so that changes in tasks and commands count too."""
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    post_save.connect(_on_row, dispatch_uid="portal.layout.save")
    post_delete.connect(_on_row, dispatch_uid="portal.layout.delete")
    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(_on_page_event, dispatch_uid=f"portal.layout.{id(signal)}")


# --- The shared layout --------------------------------------------------------------------------------


def shared(request) -> dict:
    """The header's and footer's data for this request's site and language (see the module docstring):
    `home_url`, `menu` ([{url, title, url_path}]), `homes` ({language code: home page URL}) and `footer`
    ({text, contact_email, postal_address, links: [{url, title}]}). Once per request; from the cache when
    it holds it."""
    if request is None:
        return _build(None)
    found = getattr(request, _REQUEST_ATTR, None)
    if found is not None:
        return found
    language = translation.get_language() or settings.LANGUAGE_CODE
    generation = _generation()
    value = None
    key = None
    if generation is not None:
        # The raw host, as Wagtail's site lookup uses it (Django has checked it against ALLOWED_HOSTS).
        host = f"{request._get_raw_host()}:{request.get_port()}"
        key = f"{LAYOUT_KEY_PREFIX}{generation}:{host}:{language}"
        try:
            value = cache.get(key)
        except Exception:  # noqa: BLE001
            logger.warning("Layout cache: could not read", exc_info=True)
    if value is None:
        value = _build(request)
        if key is not None:
            try:
                cache.set(key, value, layout_seconds())
            except Exception:  # noqa: BLE001
                logger.warning("Layout cache: could not store", exc_info=True)
    setattr(request, _REQUEST_ATTR, value)
    return value


def _build(request) -> dict:
    from wagtail.models import Locale, Page, Site

    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"home_url": "/", "menu": [], "homes": {}, "footer": _footer(None, request)}
    root = site.root_page
    try:
        root = root.get_translation(Locale.get_active())
    except (Locale.DoesNotExist, Page.DoesNotExist):
        pass
    menu = [
        {"url": item.get_url(request), "title": item.title, "url_path": item.url_path}
        for item in root.get_children().live().in_menu().public()
    ]
    homes = {
        home.locale.language_code: home.get_url(request)
        for home in site.root_page.get_translations(inclusive=True).live().select_related("locale")
    }
    return {"home_url": root.get_url(request), "menu": menu, "homes": homes, "footer": _footer(site, request)}


def _footer(site, request) -> dict:
    from portal.models import SiteSettings

    if site is None:
        return {"text": "", "contact_email": "", "postal_address": "", "links": []}
    site_settings = SiteSettings.for_site(site)
    links = []
    for page in (site_settings.privacy_page, site_settings.accessibility_page):
        if page is not None:
            localized = page.localized
            links.append({"url": localized.get_url(request), "title": localized.title})
    return {
        "text": site_settings.footer_text,
        "contact_email": site_settings.contact_email,
        "postal_address": site_settings.postal_address,
        "links": links,
    }


# --- Per person ---------------------------------------------------------------------------------------


def _person_key(user_id, name: str) -> str:
    return f"{PERSON_KEY_PREFIX}{user_id}:{name}"


def person_value(user, name: str, build, timeout: int | None = None):
    """`build()` for `user`, cached under `name` per user id until `forget_person_value` (or `timeout`,
    default the layout's). A cache failure is a miss: the value is then built every time."""
    key = _person_key(user.pk, name)
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001
        logger.warning("Person cache: could not read", exc_info=True)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, layout_seconds() if timeout is None else timeout)
        except Exception:  # noqa: BLE001
            logger.warning("Person cache: could not store", exc_info=True)
    return value


def forget_person_value(user_ids, name: str) -> None:
    """Forget `name` for these users, now and after the current transaction commits (a request that read
    the old rows meanwhile may have stored them again). Never raises."""
    keys = [_person_key(user_id, name) for user_id in set(user_ids) if user_id is not None]
    if not keys:
        return

    def forget():
        try:
            cache.delete_many(keys)
        except Exception:  # noqa: BLE001
            logger.warning("Person cache: could not forget %s", name, exc_info=True)

    forget()
    transaction.on_commit(forget)
