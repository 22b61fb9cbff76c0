from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Staff read dossiers and their trail in the back office; nobody gets add/change/delete,
# because every write goes through a service (desk screens, admin actions, API), and
# visible_to still decides which rows each reader sees.
_READ = frozenset(
    f"dossiers.view_{model}"
    for model in ("dossier", "dossierevent", "attachment", "supplementrequest", "apology", "rating")
)


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Dossiers")

    ROLE_PERMISSIONS = {
        "desk_officer": _READ,
        "specialist": _READ,
        "unit_leader": _READ,
        "leader": _READ,
        "index_officer": _READ,
    }
