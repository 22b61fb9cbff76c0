"""Reads with business meaning: the desk's queues. Every one starts from
``Dossier.objects.visible_to(user)`` and filters and counts in SQL."""

from datetime import timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.utils import timezone

from core import workdays
from core.models import Unit
from core.roles import Role
from core.selectors import get_working_calendar
from core.validators import normalise_phone
from procedures.models import Procedure

from .models import (
    CLOCK_RUNNING_STATUSES,
    LEFT_TO_SCAN,
    OPEN_STATUSES,
    Dossier,
    DossierStep,
    Status,
    StepRework,
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


def dossier_steps(dossier):
    """The dossier's internal steps in order, each with the reason of its latest return for
    rework, in one query whatever their number."""
    latest = StepRework.objects.filter(step=OuterRef("pk")).order_by("-at", "-pk")
    return with_time_left(
        dossier.steps.select_related("unit", "handler")
        .annotate(latest_rework_reason=Subquery(latest.values("reason")[:1]))
        .order_by("order", "pk")
    )


def dossier_components(dossier):
    """The papers the dossier is made of, in checklist order, with their scans; ``left``
    marks those still to scan."""
    left = ExpressionWrapper(LEFT_TO_SCAN, output_field=BooleanField())
    return list(
        dossier.components.select_related("scan").annotate(left=left).order_by("order", "pk")
    )


def intake_procedure_options():
    """(code, name) of every published procedure, for the intake form's type-ahead."""
    return Procedure.objects.published().order_by("code").values_list("code", "name")


def find_for_lookup(code, phone):
    """The dossier with this code — the portal's, or the national portal's for a dossier
    filed there — whose applicant's phone is ``phone``, or None. The same None whether the
    code is unknown or the phone wrong, so codes cannot be probed."""
    code = code.strip()
    if not code:
        return None
    codes = {code, code.upper()}
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_unit")
        .filter(Q(code__in=codes) | Q(external_code__in=codes))
        .first()
    )
    if dossier is None or normalise_phone(dossier.applicant_phone) != normalise_phone(phone):
        return None
    return dossier


# --- work lists: the internal steps ---------------------------------------------------------

STEP_ROW_RELATED = (
    "unit",
    "handler",
    "dossier__procedure",
    "dossier__handling_unit",
    "dossier__receiving_unit",
)


def _current_steps(user):
    """The steps in progress of the open dossiers ``user`` sees, soonest due first."""
    return (
        DossierStep.objects.current()
        .filter(dossier__in=Dossier.objects.visible_to(user).open().values("pk"))
        .select_related(*STEP_ROW_RELATED)
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )


def _step_root(user):
    return service_unit(user.unit) if user.has_role(Role.UNIT_LEADER) else user.unit


def assigned_to_me(user):
    return _current_steps(user).filter(handler=user)


def my_unit_steps(user):
    root = _step_root(user)
    if user.is_superuser:
        return _current_steps(user)
    if root is None:
        return DossierStep.objects.none()
    return _current_steps(user).filter(unit__path__startswith=root.path)


def awaiting_my_approval(user):
    """The approval steps waiting for ``user`` as unit leader of the step's unit."""
    if not (user.is_superuser or user.has_role(Role.UNIT_LEADER)):
        return DossierStep.objects.none()
    return my_unit_steps(user).filter(role=Role.UNIT_LEADER)


def steps_due_soon(user, now=None, hours=None):
    """Steps whose due time is within the due-soon horizon, or already past."""
    now = now or timezone.now()
    return _current_steps(user).filter(
        dossier__status__in=CLOCK_RUNNING_STATUSES, due_at__lte=due_soon_limit(now, hours)
    )


def with_time_left(steps, now=None):
    """The rows with ``left``: the step's working time left (negative when late), frozen
    while the dossier's clock is paused."""
    now = now or timezone.now()
    calendar = get_working_calendar()
    rows = list(steps)
    for step in rows:
        reference = step.dossier.paused_at or now
        step.left = (
            workdays.working_time_between(calendar, reference, step.due_at) if step.due_at else None
        )
    return rows


def remaining_budget(dossier, steps, now, calendar):
    """The working time the unfinished steps still need: the current step's time left
    (none once it is overdue) plus the whole budget of each step not started yet."""
    needed = timedelta(0)
    for step in steps:
        if step.finished_at is not None:
            continue
        if step.started_at is None:
            needed += step.budget(dossier) or timedelta(0)
        elif step.due_at is not None:
            left = workdays.working_time_between(calendar, dossier.paused_at or now, step.due_at)
            needed += max(left, timedelta(0))
    return needed


def at_risk(user, now=None):
    """Open dossiers whose remaining steps' budgets no longer fit in the working time the
    dossier has left: they will be late unless a step goes faster than planned."""
    now = now or timezone.now()
    calendar = get_working_calendar()
    dossiers = (
        Dossier.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES, due_at__isnull=False, allowance__isnull=False)
        .filter(Exists(DossierStep.objects.pending().filter(dossier=OuterRef("pk"))))
        .select_related(*ROW_RELATED)
        .prefetch_related(Prefetch("steps", queryset=DossierStep.objects.order_by("order")))
        .order_by("due_at", "pk")
    )
    risky = []
    for dossier in dossiers:
        left = workdays.working_time_between(calendar, dossier.paused_at or now, dossier.due_at)
        needed = remaining_budget(dossier, dossier.steps.all(), now, calendar)
        if needed > left:
            dossier.left, dossier.needed = left, needed
            risky.append(dossier)
    return risky
