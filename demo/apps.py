from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo town's data and the synthetic dossiers (``seed_demo``, the benchmarks).
    It stands above every other app and nothing below it imports it."""

    name = "demo"
    verbose_name = _("Demo data")
