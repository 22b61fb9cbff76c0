"""Why late: the late dossiers of a period, each with the unit, officer and step that held
it when its time ran out, grouped by any of them or by procedure; and the dossiers at risk.

Late is the reports' one definition (``counting``): finished in the period with the
verdict late, or still running past a due time that fell in the period. Who held a late
dossier is read from its trail: the event in force at its due time (the last one logged
at or before it) gives the unit it had been sent to (``to_unit``) and the step; the
officer is the handler of the internal step open at the due time, else that event's actor.
Every grouping is one SQL statement whatever the number of dossiers, plus one for names.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import workdays
from core.models import Unit
from core.selectors import get_working_calendar
from procedures.models import Procedure

from ..models import CLOCK_RUNNING_STATUSES, Dossier, DossierEvent, DossierStep
from .access import report_units
from .counting import LATE, day_bounds, finished_in

# At risk: running, not overdue yet, with less than this share of its allowance left.
AT_RISK_SHARE = 0.2
# How many at-risk dossiers a report lists (it gives their count too).
AT_RISK_LENGTH = 20
ID = BigIntegerField()
ROW_RELATED = ("procedure", "receiving_unit", "handling_unit", "handler")


class Grouping:
    UNIT = "unit"
    STEP = "step"
    OFFICER = "officer"
    PROCEDURE = "procedure"


GROUPING_CHOICES = [
    (Grouping.UNIT, _("Unit holding the dossier")),
    (Grouping.STEP, _("Step")),
    (Grouping.OFFICER, _("Officer")),
    (Grouping.PROCEDURE, _("Procedure")),
]
# The annotation each grouping counts by.
GROUP_KEYS = {
    Grouping.UNIT: "held_unit_id",
    Grouping.STEP: "held_step",
    Grouping.OFFICER: "held_officer_id",
    Grouping.PROCEDURE: "procedure_id",
}


@dataclass
class LateGroup:
    key: object
    code: str
    name: str
    late: int
    finished_late: int
    open_overdue: int


def _event_at_due(field):
    """``field`` of the event in force at the dossier's due time."""
    events = DossierEvent.objects.filter(dossier=OuterRef("pk"), at__lte=OuterRef("due_at"))
    return Subquery(events.order_by("-at", "-pk").values(field)[:1])


def _step_at_due(field):
    """``field`` of the internal step open at the dossier's due time."""
    steps = DossierStep.objects.filter(
        Q(finished_at__isnull=True) | Q(finished_at__gt=OuterRef("due_at")),
        dossier=OuterRef("pk"),
        started_at__lte=OuterRef("due_at"),
    )
    return Subquery(steps.order_by("-started_at", "-order").values(field)[:1])


def with_holder(dossiers):
    """``dossiers`` annotated with who held each at its due time: ``held_unit_id``,
    ``held_officer_id`` and ``held_step`` (its handling unit when no event precedes it)."""
    return dossiers.annotate(
        held_unit_id=Coalesce(_event_at_due("to_unit"), F("handling_unit_id"), output_field=ID),
        held_officer_id=Coalesce(_step_at_due("handler"), _event_at_due("actor"), output_field=ID),
        held_step=Coalesce(
            NullIf(_event_at_due("step_name"), Value("")), _step_at_due("name"), Value("")
        ),
    )


def late_condition(first, last, now):
    """Finished late in days first..last, or running past a due time that fell in them."""
    start, end = day_bounds(first, last)
    overdue = Q(status__in=CLOCK_RUNNING_STATUSES, due_at__gte=start, due_at__lt=min(end, now))
    return (finished_in(first, last) & LATE) | overdue


def _scoped(user, unit):
    """The dossiers ``user`` may see in reports; with ``unit``, those received in its
    subtree or held there when their time ran out (filter after ``with_holder``)."""
    dossiers = Dossier.objects.visible_to(user)
    if unit is None:
        return dossiers, Q()
    units = report_units(user, within=unit).values("pk")
    return dossiers, Q(receiving_unit__in=units) | Q(held_unit_id__in=units)


def late_dossiers(user, first, last, unit=None, now=None):
    """The late dossiers of days first..last that ``user`` may read (narrowed to
    ``unit``), annotated with their holder and ``finished_late``, latest due first."""
    now = now or timezone.now()
    dossiers, in_unit = _scoped(user, unit)
    late = with_holder(dossiers.filter(late_condition(first, last, now))).filter(in_unit)
    return late.annotate(
        finished_late=ExpressionWrapper(Q(resolved_at__isnull=False), BooleanField())
    ).order_by("-due_at", "-pk")


def late_groups(user, first, last, grouping, unit=None, now=None):
    """[LateGroup] of the late dossiers by ``grouping``, most late first: two queries."""
    key = GROUP_KEYS[grouping]
    counted = (
        late_dossiers(user, first, last, unit, now)
        .values(key)
        .annotate(
            late=Count("pk"),
            finished_late=Count("pk", filter=Q(resolved_at__isnull=False)),
        )
        .order_by()
    )
    rows = list(counted)
    names = _names(grouping, {row[key] for row in rows})
    groups = [
        LateGroup(
            key=row[key],
            code=names.get(row[key], ("", ""))[0],
            name=names.get(row[key], ("", ""))[1],
            late=row["late"],
            finished_late=row["finished_late"],
            open_overdue=row["late"] - row["finished_late"],
        )
        for row in rows
    ]
    return sorted(groups, key=lambda group: (-group.late, group.name))


def _names(grouping, keys):
    """{key: (code, name)} for the keys of one grouping, in one query (none for steps)."""
    known = [key for key in keys if key is not None and key != ""]
    unknown = {None: ("", str(_("Not recorded"))), "": ("", str(_("Not recorded")))}
    if grouping == Grouping.STEP:
        return {**unknown, **{key: ("", key) for key in known}}
    if not known:
        return unknown
    if grouping == Grouping.UNIT:
        found = Unit.objects.filter(pk__in=known)
        names = {unit.pk: (unit.code, unit.display_name) for unit in found}
    elif grouping == Grouping.PROCEDURE:
        found = Procedure.objects.filter(pk__in=known).values_list("pk", "code", "name")
        names = {pk: (code, name) for pk, code, name in found}
    else:
        found = get_user_model().objects.filter(pk__in=known)
        names = {user.pk: (user.username, user.get_full_name() or user.username) for user in found}
    return {**unknown, **names}


def with_holder_names(rows):
    """Set ``held_unit`` and ``held_officer`` on each row (a list): two queries."""
    rows = list(rows)
    units = _names(Grouping.UNIT, {row.held_unit_id for row in rows})
    officers = _names(Grouping.OFFICER, {row.held_officer_id for row in rows})
    for row in rows:
        row.held_unit = units.get(row.held_unit_id, ("", ""))[1]
        row.held_officer = officers.get(row.held_officer_id, ("", ""))[1]
    return rows


def days_late(dossier, now, calendar):
    """Working days from a late dossier's due time to its resolution, or to ``now`` while
    it runs, to one decimal (never below 0: a dossier late for its supplements may have
    finished before its due time)."""
    late_by = workdays.working_time_between(calendar, dossier.due_at, dossier.resolved_at or now)
    return max(round(late_by / calendar.hours_per_day, 1), 0.0)


def at_risk(user, unit=None, now=None, share=AT_RISK_SHARE):
    """Running dossiers not overdue yet whose working time left is below ``share`` of their
    allowance, soonest due first. Due "soon" is the due-soon rule with a horizon per
    dossier: due before ``share`` of its allowance, in working time, from now. One query
    for the allowances in play, one for the dossiers."""
    now = now or timezone.now()
    dossiers = Dossier.objects.visible_to(user).filter(
        status__in=CLOCK_RUNNING_STATUSES, due_at__gte=now, allowance__isnull=False
    )
    if unit is not None:
        units = report_units(user, within=unit).values("pk")
        dossiers = dossiers.filter(Q(receiving_unit__in=units) | Q(handling_unit__in=units))
    allowances = dossiers.order_by().values_list("allowance", flat=True).distinct()
    calendar = get_working_calendar()
    horizon = Q(pk__in=[])
    for allowance in list(allowances):
        if allowance > timedelta(0):
            limit = workdays.add_working_time(calendar, now, allowance * share)
            horizon |= Q(allowance=allowance, due_at__lt=limit)
    return dossiers.filter(horizon).select_related(*ROW_RELATED).order_by("due_at", "pk")


def late_columns():
    """(header, row function) of the late dossiers' export, one line per dossier."""
    header = [
        _("Dossier code"),
        _("Procedure"),
        _("Applicant"),
        _("Receiving unit"),
        _("Unit holding it when its time ran out"),
        _("Officer then"),
        _("Step then"),
        _("Due at"),
        _("Resolved at"),
        _("Late status"),
    ]

    def line(row):
        state = _("Finished late") if row.finished_late else _("Still open, overdue")
        return [
            row.code,
            row.procedure.name,
            row.applicant_name,
            row.receiving_unit.display_name,
            row.held_unit,
            row.held_officer,
            row.held_step,
            row.due_at,
            row.resolved_at,
            state,
        ]

    return [str(title) for title in header], line


def late_table(user, first, last, unit=None, now=None):
    """(header, lines) of every late dossier of the period, for CSV/XLSX files."""
    header, line = late_columns()
    dossiers = late_dossiers(user, first, last, unit, now).select_related(*ROW_RELATED)
    return header, [line(row) for row in with_holder_names(dossiers)]
