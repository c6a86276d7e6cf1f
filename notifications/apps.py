from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Each app registers its event types in its own `notifications.py` (see registry.py).
        autodiscover_modules("notifications")
        from notifications import unread

        unread.connect_signals()  # the header's cached unread count (notifications/unread.py)
        try:
            from anymail.signals import tracking
        except ImportError:  # django-anymail is optional
            return
        from notifications.receivers import anymail_tracking

        tracking.connect(anymail_tracking, dispatch_uid="notifications.anymail_tracking")
