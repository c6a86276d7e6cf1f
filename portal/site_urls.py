"""Language-prefixed URLs of the portal itself (the domain apps add theirs in portal/urls.py)."""

from django.urls import path

from portal import site_views

urlpatterns = [
    path("search/", site_views.search, name="search"),
    path("samordning/", site_views.coordinator_hub, name="coordinator_hub"),
]
