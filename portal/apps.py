from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import caching, layout

        caching.connect_signals()
        layout.connect_signals()

        # Privacy rights: the portal's part, then each app's `privacy.py` (see portal/privacy/registry.py).
        from django.contrib.auth.signals import user_logged_in
        from django.utils.module_loading import autodiscover_modules

        from portal.privacy import portal_data, tasks  # noqa: F401  (registers the part and the tasks)
        from portal.privacy.receivers import record_login

        autodiscover_modules("privacy")
        user_logged_in.connect(record_login, dispatch_uid="portal.privacy.record_login")

        # Site search: the site's pages; each domain app registers its own kinds (portal/search.py).
        from portal import search

        search.register_pages()
