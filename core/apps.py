from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Units, users and calendar")

    ROLE_PERMISSIONS = {
        "desk_officer": {"core.view_unit", "core.view_calendaroverride"},
        "specialist": {"core.view_unit", "core.view_calendaroverride"},
        "unit_leader": {"core.view_unit", "core.view_user", "core.view_calendaroverride"},
        "leader": {
            "core.view_unit",
            "core.view_user",
            "core.view_calendaroverride",
            "core.add_calendaroverride",
            "core.change_calendaroverride",
            "core.delete_calendaroverride",
        },
        "index_officer": {"core.view_unit"},
    }

    def ready(self):
        from . import roles, signals

        # Every app's post_migrate creates its permissions; syncing after each keeps the
        # groups complete whichever app migrates last.
        post_migrate.connect(roles.sync_role_groups_after_migrate, dispatch_uid="core.roles")
        signals.connect()
