"""The shared layout and the header's unread count, cached across requests (portal/layout.py, issue 20):
what the cache holds is never out of date after the change that alters it, and a cache that cannot be
reached changes nothing the reader sees."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from notifications.services import notification_mark_read, notifications_mark_all_read
from portal.models import ContentPage
from tests.factories import UserFactory, add_page, site_home

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture
def home(db):
    return site_home()


@pytest.fixture
def member(client):
    user = UserFactory(email="layout-medlem@example.org")
    client.force_login(user)
    return user


def _notify(user, n=1):
    content_type = ContentType.objects.get_for_model(user)
    Notification.objects.bulk_create(
        Notification(
            recipient=user, event="test", content_type=content_type, object_id=str(user.pk), dedupe_key=str(i)
        )
        for i in range(n)
    )


def _menu(content: str) -> str:
    return content.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]


def test_a_published_page_joins_the_menu_at_once(client, home, member):
    assert "Om oss" not in _menu(client.get("/").content.decode())
    page = add_page(home, ContentPage(title="Om oss", slug="om-oss", show_in_menus=True))
    assert "Om oss" in _menu(client.get("/").content.decode())

    page.title = "Om referensgruppen"
    page.save_revision().publish()
    menu = _menu(client.get("/").content.decode())
    assert "Om referensgruppen" in menu and "Om oss" not in menu

    page.unpublish()
    assert "Om referensgruppen" not in _menu(client.get("/").content.decode())


def test_site_settings_reach_the_footer_at_once(client, home, member):
    from wagtail.models import Site

    from portal.models import SiteSettings

    client.get("/")
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.footer_text = "Stadshuset, varje tisdag"
    site_settings.save()
    assert "Stadshuset, varje tisdag" in client.get("/").content.decode()


def test_the_warm_layout_costs_no_site_settings_menu_or_count_query(client, home, member):
    add_page(home, ContentPage(title="Om oss", slug="om-oss", show_in_menus=True))
    client.get("/samraden/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/samraden/")
    assert "Om oss" in _menu(response.content.decode())
    queries = [q["sql"] for q in ctx.captured_queries]
    tables = " ".join(queries)
    # At most the one site lookup Wagtail keeps on the request (the consent check may need it); none of
    # the layout's own: the site settings, the home page, the menu.
    assert sum('FROM "wagtailcore_site"' in sql for sql in queries) <= 1
    # (The consent check reads the site settings for the privacy page; the footer no longer does.)
    assert sum('FROM "portal_sitesettings"' in sql for sql in queries) <= 1
    assert "notifications_notification" not in tables  # the unread count is cached too


def test_the_unread_count_follows_new_and_read_notifications(client, home, member):
    assert 'class="badge"' not in client.get("/").content.decode()
    _notify(member, 3)  # the fan-out's bulk_create
    assert '<span class="badge" aria-hidden="true">3</span>' in client.get("/").content.decode()

    notification_mark_read(
        user=member, notification_id=Notification.objects.filter(recipient=member).first().pk
    )
    assert '<span class="badge" aria-hidden="true">2</span>' in client.get("/").content.decode()

    notifications_mark_all_read(user=member)  # QuerySet.update()
    assert 'class="badge"' not in client.get("/").content.decode()


def test_one_persons_count_is_not_anothers(client, home, member):
    other = UserFactory(email="layout-annan@example.org")
    _notify(other, 5)
    client.get("/")
    assert 'class="badge"' not in client.get("/").content.decode()


def test_the_layout_caches_own_calls_never_raise(settings, member):
    """Django's own Redis backend at a closed port raises on every call (a real refused connection):
    the layout's and the per-person cache's reads and writes are misses, not errors."""
    from portal import layout

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    assert layout._generation() is None
    layout.invalidate_layout()
    assert layout.person_value(member, "test", lambda: 7) == 7
    layout.forget_person_value([member.pk], "test")


def test_pages_answer_while_redis_is_down(client, settings, home, member):
    """With the production backend (portal.cache_backends.TolerantRedisCache) and Redis unreachable, the
    layout and the unread count are built from the database."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache_backends.TolerantRedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(member)
    add_page(home, ContentPage(title="Om oss", slug="om-oss", show_in_menus=True))
    _notify(member, 2)
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Om oss" in _menu(content)
    assert '<span class="badge" aria-hidden="true">2</span>' in content
