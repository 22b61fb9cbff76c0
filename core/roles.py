"""The role groups of DESIGN §3.1 and their permissions.

Each app lists the permissions its roles need in ``ROLE_PERMISSIONS`` on its AppConfig, so
that core can keep every group in step without importing the apps above it.
"""

from django.apps import apps as global_apps
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    CITIZEN = "citizen", _("Citizen")
    DESK_OFFICER = "desk_officer", _("Desk officer")
    SPECIALIST = "specialist", _("Specialist")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    LEADER = "leader", _("Top leader")
    INDEX_OFFICER = "index_officer", _("Reform index officer")


STAFF_ROLES = frozenset(
    {Role.DESK_OFFICER, Role.SPECIALIST, Role.UNIT_LEADER, Role.LEADER, Role.INDEX_OFFICER}
)


def wanted_permissions(app_registry=global_apps):
    """{role: {"app_label.codename", ...}} gathered from every installed app."""
    wanted = {role.value: set() for role in Role}
    for config in app_registry.get_app_configs():
        for role, perms in getattr(config, "ROLE_PERMISSIONS", {}).items():
            wanted[str(role)].update(perms)
    return wanted


def sync_role_groups(group_model, permission_model, app_registry=global_apps):
    """Create the role groups and give each exactly the permissions the apps ask for.
    Permissions whose model does not exist yet are skipped and added on a later run."""
    existing = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in permission_model.objects.select_related("content_type")
    }
    for role, perms in wanted_permissions(app_registry).items():
        group, _created = group_model.objects.get_or_create(name=role)
        group.permissions.set([existing[name] for name in perms if name in existing])


def sync_role_groups_after_migrate(sender, apps=global_apps, **kwargs):
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    sync_role_groups(group_model, permission_model)
