import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from portal.caching import PageCacheApplication  # noqa: E402 - needs the settings configured above
from portal.startup import settle  # noqa: E402

settle()

# Anonymous public pages from the page cache are answered here, before Django (portal/caching.py).
application = PageCacheApplication(application)
