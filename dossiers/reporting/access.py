"""Who may read reports, and the units whose figures they read: the one access rule of the
on-time report, its files, the leaders' dashboard and the digests' readers."""

from core.models import Unit
from core.roles import Role

from ..models import service_unit

REPORT_ROLES = (Role.LEADER, Role.UNIT_LEADER, Role.INDEX_OFFICER)


def can_read_reports(user):
    """Leaders, unit leaders, reform index officers and superusers."""
    return user.is_authenticated and (user.is_superuser or user.has_role(*REPORT_ROLES))


def report_units(user, within=None):
    """The receiving units whose figures ``user`` may read, as a Unit queryset: every unit
    for a superuser, the subtree of the unit a reader of reports serves, none for anyone
    else. ``within`` (a unit) narrows them to that unit's subtree."""
    if not user.is_authenticated:
        units = Unit.objects.none()
    elif user.is_superuser:
        units = Unit.objects.all()
    elif not user.has_role(*REPORT_ROLES) or user.unit is None:
        units = Unit.objects.none()
    else:
        units = Unit.objects.subtree(service_unit(user.unit))
    if within is not None:
        units = units.filter(pk__in=Unit.objects.subtree(within).values("pk"))
    return units
