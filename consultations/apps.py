from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from consultations import page_cache

        page_cache.register()

        from consultations import search

        search.register_kinds()
