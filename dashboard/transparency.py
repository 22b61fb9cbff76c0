"""The public transparency page: per unit — the town's desk and each ward
and commune — the year's dossiers received and resolved, on-time rate, average handling
time in working days, satisfaction and published procedures, with totals; the same figures
are open data (``open_data``). See docs/dashboard.md for the definitions and the open data
columns."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, Q, Sum, Value
from django.db.models.functions import Greatest, Least, TruncDate, TruncTime
from django.utils import timezone

from core import workdays
from core.models import Unit
from core.selectors import get_working_calendar, scored_units
from core.workdays import TZ
from dossiers.reporting import counting
from dossiers.reporting.on_time import percent
from procedures.models import Procedure

from . import flows

CACHE_SECONDS = 300
CLOSED_DAYS_CACHE_SECONDS = 6 * 3600
ZERO = timedelta(0)


@dataclass
class PublicRow:
    """One unit's public figures over the year so far (or the total of all units)."""

    code: str
    name: str
    received: int = 0
    finished: int = 0
    finished_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    working_seconds: float = 0.0  # working time from receipt to result, summed
    published_procedures: int = 0
    hours_per_day: float = 8.0

    @property
    def on_time_rate(self):
        return percent(self.finished_on_time, self.finished)

    @property
    def satisfaction_rate(self):
        return percent(self.satisfied, self.rated)

    @property
    def average_handling_days(self):
        """Average working days from receipt to result (one decimal), None without any."""
        if not self.finished:
            return None
        return round(self.working_seconds / self.finished / 3600 / self.hours_per_day, 1)


@dataclass
class Transparency:
    year: int
    first: date
    last: date
    rows: list
    total: PublicRow
    generated_at: datetime


def public_units():
    """The units the public page reports on: the wards and communes the index scores and
    the units right above them, which run their own desk (the town)."""
    wards = scored_units()
    return Unit.objects.filter(
        Q(pk__in=wards.values("pk")) | Q(pk__in=wards.values("parent_id"))
    ).order_by("path")


def transparency(today=None):
    """The public figures of the current year, computed at most every few minutes."""
    today = today or timezone.localdate()
    return flows.cached(("transparency", today), CACHE_SECONDS, lambda: _transparency(today))


def _transparency(today):
    first = date(today.year, 1, 1)
    units = list(public_units())
    unit_ids = [unit.pk for unit in units]
    counts = {
        row.key: row for row in flows.rows_by(flows.flow_table(first, today, unit_ids), flows.UNIT)
    }
    seconds = handling_seconds(unit_ids, first, today)
    procedures = published_procedures(units)
    hours_per_day = get_working_calendar().hours_per_day.total_seconds() / 3600
    rows = []
    for unit in units:
        row = PublicRow(code=unit.code, name=unit.name, hours_per_day=hours_per_day)
        found = counts.get(unit.pk)
        if found is not None:
            row.received, row.finished = found.received, found.finished
            row.finished_on_time = found.in_time
            row.rated, row.satisfied = found.rated, found.satisfied
        row.working_seconds = seconds.get(unit.pk, 0.0)
        row.published_procedures = len(procedures.get(unit.pk, ()))
        rows.append(row)
    # Named when shown: the figures are cached whatever the reader's language.
    total = PublicRow(code="", name="", hours_per_day=hours_per_day)
    for name in ("received", "finished", "finished_on_time", "rated", "satisfied"):
        setattr(total, name, sum(getattr(row, name) for row in rows))
    total.working_seconds = sum(row.working_seconds for row in rows)
    total.published_procedures = len(set().union(*procedures.values()))
    return Transparency(today.year, first, today, rows, total, timezone.now())


# --- average handling time -----------------------------------------------------------------


def handling_seconds(unit_ids, first, last):
    """{unit id: working seconds from receipt to result, summed over the dossiers received
    at ``unit_ids`` and resolved in days first..last}, exactly as
    ``core.workdays.working_time_between`` counts them.

    Working time between two instants is W(end) - W(start), where W(t) is the working time
    of the whole working days before t's day plus the office time of t's own day up to t.
    SQL groups the resolved dossiers by unit and local day of receipt (then of result),
    counting them and summing each instant's office time into its day; Python adds each
    day's calendar part, so a few rows per unit and day leave the database whatever the
    number of dossiers. Days before today do not change: their part is kept for hours.
    Supplement and payment waits are included: this is the time the applicant waits."""
    calendar = get_working_calendar()
    units = sorted(unit_ids)
    today = timezone.localdate()
    totals = defaultdict(float)
    closed_last = min(last, today - timedelta(days=1))
    if first <= closed_last:
        key = ("handling", first, closed_last, units, _calendar_digest(calendar))
        closed = flows.cached(
            key,
            CLOSED_DAYS_CACHE_SECONDS,
            lambda: _handling_seconds(calendar, units, first, closed_last),
        )
        _add(totals, closed)
    live_first = max(first, today)
    if live_first <= last:
        _add(totals, _handling_seconds(calendar, units, live_first, last))
    return dict(totals)


def _add(totals, part):
    for unit, seconds in part.items():
        totals[unit] += seconds


def _calendar_digest(calendar):
    days = [*sorted(calendar.holidays), None, *sorted(calendar.makeup_days)]
    text = repr((calendar.periods, sorted(calendar.workweek), days))
    return hashlib.sha256(text.encode()).hexdigest()


def _handling_seconds(calendar, units, first, last):
    finished = counting.finished(first, last).filter(receiving_unit_id__in=units)
    epoch = datetime.combine(first, time.min, tzinfo=TZ)
    totals = defaultdict(float)
    for column, sign in (("resolved_at", 1), ("received_at", -1)):
        rows = (
            finished.annotate(day=TruncDate(column, tzinfo=TZ))
            .values("receiving_unit_id", "day")
            .annotate(dossiers=Count("pk"), clock=Sum(_office_time(column, calendar)))
            .order_by()
        )
        for row in rows:
            day_start = datetime.combine(row["day"], time.min, tzinfo=TZ)
            before = workdays.working_time_between(calendar, epoch, day_start)
            within = row["clock"] if calendar.is_working_day(row["day"]) else ZERO
            seconds = (before * row["dossiers"] + within).total_seconds()
            totals[row["receiving_unit_id"]] += sign * seconds
    return dict(totals)


def _office_time(column, calendar):
    """SQL: the office time of the instant's local day up to the instant (whatever the
    day; non-working days are zeroed in Python)."""
    clock = TruncTime(column, tzinfo=TZ)
    parts = []
    for opening, closing in calendar.periods:
        since = ExpressionWrapper(clock - Value(opening), output_field=DurationField())
        length = datetime.combine(date.min, closing) - datetime.combine(date.min, opening)
        parts.append(Least(Greatest(since, Value(ZERO)), Value(length)))
    return ExpressionWrapper(sum(parts[1:], parts[0]), output_field=DurationField())


# --- published procedures ------------------------------------------------------------------


def published_procedures(units):
    """{unit id: {procedure ids}}: the published procedures handled at each unit or by an
    office below it that is not itself one of ``units`` (the town's offices count for the
    town's desk, a ward's for the ward)."""
    deepest_first = sorted(units, key=lambda unit: len(unit.path), reverse=True)
    roots = [unit for unit in units if not any(_below(unit, other) for other in units)]
    if not roots:
        return {}
    within = Q()
    for root in roots:
        within |= Q(unit__path__startswith=root.path)
    links = Procedure.handling_units.through.objects.filter(within, procedure__published=True)
    found = defaultdict(set)
    for procedure_id, path in links.values_list("procedure_id", "unit__path"):
        owner = next(unit for unit in deepest_first if path.startswith(unit.path))
        found[owner.pk].add(procedure_id)
    return found


def _below(unit, other):
    return unit.pk != other.pk and unit.path.startswith(other.path)
