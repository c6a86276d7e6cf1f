from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        # The portal's part first, then each app's `privacy.py` (see privacy/registry.py).
        from django.contrib.auth.signals import user_logged_in
        from django.utils.module_loading import autodiscover_modules

        from privacy import portal_data, tasks  # noqa: F401  (registers the part and the tasks)
        from privacy.receivers import record_login

        autodiscover_modules("privacy")
        user_logged_in.connect(record_login, dispatch_uid="privacy.record_login")
