"""Fixtures shared by the page-cache tests."""

import os

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Site

from notifications.models import Notification
from tests.conftest import require_service
from tests.factories import (
    ConsultationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    site_home,
)


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """The page cache switched on, on local memory or on the real Redis (emptied before and after)."""
    settings.PORTAL_PAGE_CACHE_SECONDS = 300
    if request.param == "redis":
        url = require_service("REDIS_URL", os.environ.get("REDIS_URL"))
        settings.CACHES = {
            "default": {
                "BACKEND": "portal.cache_backends.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "portal-tests-caching",
            }
        }
    from django.core.cache import cache

    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def home(db):
    home = site_home(title="Startsidan", introduction="<p>Välkommen till portalen.</p>")
    # The first page view would create the site's settings row (and so start a new generation).
    from portal.models import SiteSettings

    SiteSettings.for_site(Site.objects.get(is_default_site=True))
    return home


@pytest.fixture
def consultation(db):
    return ConsultationFactory(title="Samråd om mötesplatser", slug="motesplatser", sections=2)


@pytest.fixture
def anna(db):
    """A member with three unread notifications, whose name and count the header shows."""
    organisation = OrganisationFactory(name="Föreningen Alfa")
    user = MembershipFactory(
        organisation=organisation, user=UserFactory(display_name="Anna Hemligsson"), role="member"
    ).user
    content_type = ContentType.objects.get_for_model(user)
    for number in range(3):
        Notification.objects.create(
            recipient=user, event=f"test.event{number}", content_type=content_type, object_id=str(user.pk)
        )
    return user


@pytest.fixture
def bertil(db):
    organisation = OrganisationFactory(name="Föreningen Beta")
    return MembershipFactory(
        organisation=organisation, user=UserFactory(display_name="Bertil Annansson"), role="member"
    ).user


@pytest.fixture
def public_site(home, consultation):
    MeetingFactory(title="Öppet möte i Kulturhuset")
    return home
