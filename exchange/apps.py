from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("National exchange")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the dossier signals)
