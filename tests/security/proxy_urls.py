"""The portal's URLs plus what the README's proxy configuration serves itself: all of MEDIA_ROOT under
/media/ (read at request time, since tests point MEDIA_ROOT at a temporary folder)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from portal.urls import handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *portal_urlpatterns]
