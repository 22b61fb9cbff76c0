from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformIndexConfig(AppConfig):
    name = "reform_index"
    verbose_name = _("Reform index")
