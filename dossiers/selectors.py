"""Reads with business meaning: the desk's queues. Every one starts from
``Dossier.objects.visible_to(user)`` and filters and counts in SQL."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from core import workdays
from core.models import Unit
from core.selectors import get_working_calendar
from core.validators import normalise_phone
from procedures.models import Procedure

from .models import (
    CLOCK_RUNNING_STATUSES,
    Dossier,
    Status,
    service_unit,
)

# What a desk row shows: the procedure, where the dossier sits and who holds it.
ROW_RELATED = ("procedure", "receiving_unit", "handling_unit", "handler")


def due_soon_limit(now, hours=None):
    """The instant ``hours`` working hours after ``now`` (default ONESTOP_DUE_SOON_HOURS):
    a running dossier due by then is "due soon"."""
    hours = settings.ONESTOP_DUE_SOON_HOURS if hours is None else hours
    return workdays.add_working_time(get_working_calendar(), now, timedelta(hours=hours))


def _running_due_soon(now, limit):
    return Q(status__in=CLOCK_RUNNING_STATUSES, due_at__gte=now, due_at__lte=limit)


def _running_overdue(now):
    return Q(status__in=CLOCK_RUNNING_STATUSES, due_at__lt=now)


def online_queue(user):
    """Online filings waiting for the desk's check, oldest first."""
    return (
        Dossier.objects.visible_to(user)
        .filter(status=Status.SUBMITTED)
        .select_related(*ROW_RELATED)
        .order_by("submitted_at", "pk")
    )


def due_soon(user, now=None, hours=None):
    now = now or timezone.now()
    return (
        Dossier.objects.visible_to(user)
        .filter(_running_due_soon(now, due_soon_limit(now, hours)))
        .select_related(*ROW_RELATED)
    )


def overdue(user, now=None):
    now = now or timezone.now()
    return (
        Dossier.objects.visible_to(user).filter(_running_overdue(now)).select_related(*ROW_RELATED)
    )


def desk_counts(user, now=None):
    """{"queue", "due_soon", "overdue"}: the sizes of the desk's lists in one query."""
    now = now or timezone.now()
    return Dossier.objects.visible_to(user).aggregate(
        queue=Count("pk", filter=Q(status=Status.SUBMITTED)),
        due_soon=Count("pk", filter=_running_due_soon(now, due_soon_limit(now))),
        overdue=Count("pk", filter=_running_overdue(now)),
    )


def scope_units(user):
    """The units a staff member's lists can be narrowed to: their unit and below (all units
    for a superuser)."""
    if user.is_superuser:
        return Unit.objects.all()
    unit = service_unit(user.unit)
    if unit is None:
        return Unit.objects.none()
    return Unit.objects.subtree(unit)


def desk_dossier(user, code):
    """One dossier for the staff screen, or None when it does not exist or is out of scope."""
    return (
        Dossier.objects.visible_to(user)
        .select_related(*ROW_RELATED, "applicant_user", "procedure__field")
        .filter(code=code)
        .first()
    )


def dossier_timeline(dossier):
    return dossier.events.select_related("actor", "from_unit", "to_unit").order_by("at", "pk")


def intake_procedure_options():
    """(code, name) of every published procedure, for the intake form's type-ahead."""
    return Procedure.objects.published().order_by("code").values_list("code", "name")


def find_for_lookup(code, phone):
    """The dossier with this code whose applicant's phone is ``phone``, or None. The same
    None whether the code is unknown or the phone wrong, so codes cannot be probed."""
    code = code.strip()
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_unit")
        .filter(code__in={code, code.upper()})
        .first()
    )
    if dossier is None or normalise_phone(dossier.applicant_phone) != normalise_phone(phone):
        return None
    return dossier
