from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import caching, layout

        caching.connect_signals()
        layout.connect_signals()

        # Site search: the site's pages; each domain app registers its own kinds (portal/search.py).
        from portal import search

        search.register_pages()
