from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import views

urlpatterns = [
    path("health/", views.health, name="health"),
    # Browsers ask for /favicon.ico whatever the page says: send them to the portal's own static file.
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # OParl 1.1: one address for every language (ids must not change with the reader's language).
    path("oparl/v1/", include("opendata.urls_oparl")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Only public files are under MEDIA_ROOT; private ones (PRIVATE_MEDIA_ROOT) have their own views.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.EMAIL_PROVIDER:
    # The provider's delivery webhooks (bounces, complaints) for django-anymail.
    urlpatterns.append(path("anymail/", include("anymail.urls")))

# Swedish lives at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("notiser/", include("notifications.urls")),
    path("konto/mina-uppgifter/", include("privacy.urls")),
    path("organisationer/", include("organisations.urls")),
    path("moten/", include("meetings.urls")),
    path("samraden/", include("consultations.urls")),
    path("oppna-data/", include("opendata.urls")),
    path("uppfoljning/", include("actionplan.urls")),
    path("", include("portal.site_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler400 = "portal.site_views.bad_request"
handler403 = "portal.site_views.permission_denied"
handler404 = "portal.site_views.page_not_found"
handler500 = "portal.site_views.server_error"
# allauth's rate limits call ROOT_URLCONF.handler429 (allauth.core.internal.ratelimit.respond_429).
handler429 = "portal.site_views.rate_limited"
