"""The on-time report (DESIGN §3.7): received, finished early / on time / late, in hand and
overdue, ratings, per unit, field, procedure or month, and the rates that follow.

Stored days come from the roll-up, the days after it are counted live, both as
``counting`` defines the flows. ``percent`` is the one way a rate is rounded.
"""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from core.models import Unit
from procedures.models import Field, Procedure

from ..models import Dossier
from .counting import FLOW_FIELDS
from .rollup import daily_flows, first_activity, rolled_through, stored_flow_sums

GROUPS = {
    "unit": ("unit_id", "unit__code", "unit__name"),
    "field": ("field_id", "field__code", "field__name"),
    "procedure": ("procedure_id", "procedure__code", "procedure__name"),
}


def percent(part, whole):
    """``part`` of ``whole`` in percent, two decimals rounded half up; None without a
    whole."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


@dataclass
class ReportRow:
    key: object
    code: str
    name: str
    received: int = 0
    received_online: int = 0
    finished: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    late_with_apology: int = 0
    in_progress: int = 0
    overdue: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def in_time(self):
        """Finished early or on time."""
        return self.early + self.on_time

    @property
    def within_time(self):
        """In hand and not yet overdue."""
        return self.in_progress - self.overdue

    @property
    def on_time_rate(self):
        return percent(self.in_time, self.finished)

    @property
    def progress_rate(self):
        """The national service index's progress: finished on time plus still within
        time, over every dossier finished or in hand."""
        return percent(self.in_time + self.within_time, self.finished + self.in_progress)

    @property
    def online_share(self):
        return percent(self.received_online, self.received)

    @property
    def satisfaction_rate(self):
        return percent(self.satisfied, self.rated)

    def as_dict(self):
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.pop("key")
        data.update(
            on_time_rate=self.on_time_rate,
            progress_rate=self.progress_rate,
            online_share=self.online_share,
            satisfaction_rate=self.satisfaction_rate,
        )
        return data


def on_time_report(
    first, last, group_by="unit", units=None, field=None, procedure=None, today=None
):
    """Rows of the on-time report for days first..last grouped by unit, field, procedure
    or month; ``units`` (a Unit queryset, normally ``access.report_units(user)``) limits it
    to those receiving units, ``field`` and ``procedure`` to one field or procedure.

    Flows (received, finished, verdicts, ratings) count inside the period; in_progress and
    overdue are the balance at the end of the period (per month for ``month``). Stored days
    come from the roll-up, the rest is counted live."""
    today = today or timezone.localdate()
    last = min(last, today)
    stored_until = rolled_through() or date.min
    stored, dossiers = {}, Dossier.objects.all()
    if units is not None:
        stored["unit__in"] = units
        dossiers = dossiers.filter(receiving_unit__in=units)
    if field is not None:
        stored["field"] = field
        dossiers = dossiers.filter(procedure__field=field)
    if procedure is not None:
        stored["procedure"] = procedure
        dossiers = dossiers.filter(procedure=procedure)
    period = _Period(first, last, group_by)
    _add_stored(period, stored, min(stored_until, last))
    live_first = stored_until + timedelta(days=1) if stored_until != date.min else None
    if live_first is None or live_first <= last:
        _add_live(period, dossiers, live_first or first_activity(dossiers, first), last)
    return period.rows()


class _Period:
    def __init__(self, first, last, group_by):
        if group_by not in (*GROUPS, "month"):
            raise ValueError(f"Unknown grouping {group_by!r}.")
        self.first, self.last, self.group_by = first, last, group_by
        self.opening = defaultdict(lambda: [0, 0])  # key -> [open, overdue] before first
        self.inside = defaultdict(lambda: dict.fromkeys(FLOW_FIELDS, 0))  # (key, bucket)
        self.names = {}

    def bucket(self, day):
        return day.replace(day=1) if self.group_by == "month" else None

    def add(self, key, code, name, day, counts):
        """Counts of one key on one day (or, for ``day`` None, before the period)."""
        if self.group_by == "month":
            key = None
        else:
            self.names[key] = (code, name)
        if day is None or day < self.first:
            self.opening[key][0] += counts["received"] - counts["left"]
            self.opening[key][1] += counts["due_fell"] - counts["left_overdue"]
            return
        bucket = self.inside[(key, self.bucket(day))]
        for flow in FLOW_FIELDS:
            bucket[flow] += counts.get(flow) or 0

    def rows(self):
        if self.group_by == "month":
            return self._month_rows()
        keys = set(self.opening) | {key for key, _bucket in self.inside}
        rows = []
        for key in keys:
            code, name = self.names[key]
            row = ReportRow(key=key, code=code, name=name)
            counts = self.inside.get((key, None), {})
            _accumulate(row, counts)
            row.in_progress, row.overdue = _balance(self.opening.get(key, (0, 0)), counts)
            rows.append(row)
        return sorted(rows, key=lambda row: (str(row.code), str(row.name)))

    def _month_rows(self):
        balance = self.opening.get(None, (0, 0))
        rows, month = [], self.first.replace(day=1)
        while month <= self.last:
            counts = self.inside.get((None, month), {})
            row = ReportRow(key=month, code=f"{month:%Y-%m}", name=f"{month:%m/%Y}")
            _accumulate(row, counts)
            balance = _balance(balance, counts)
            row.in_progress, row.overdue = balance
            rows.append(row)
            month = (month + timedelta(days=32)).replace(day=1)
        return rows


def _balance(opening, counts):
    """(open, overdue) after adding one stretch of flows to an opening balance."""
    return (
        opening[0] + counts.get("received", 0) - counts.get("left", 0),
        opening[1] + counts.get("due_fell", 0) - counts.get("left_overdue", 0),
    )


def _accumulate(report_row, counts):
    for name in FLOW_FIELDS:
        if hasattr(report_row, name):
            setattr(report_row, name, getattr(report_row, name) + (counts.get(name) or 0))


def _add_stored(period, filters, stored_until):
    """The roll-up's share: the balance before the period, then the flows inside it."""
    if stored_until == date.min:
        return
    key, code, name = GROUPS.get(period.group_by, GROUPS["unit"])
    daily_only = period.group_by == "procedure" or "procedure" in filters
    before = stored_flow_sums(
        None, period.first - timedelta(days=1), (key, code, name), daily_only, **filters
    )
    for row in before:
        period.add(row[key], row[code], row[name], None, row)
    inside = stored_flow_sums(
        period.first,
        stored_until,
        (key, code, name),
        daily_only,
        by_month=period.group_by == "month",
        **filters,
    )
    for row in inside:
        # Any day of the row's month inside the period files it under that month.
        day = max(row.get("k_month") or period.first, period.first)
        period.add(row[key], row[code], row[name], day, row)


def _add_live(period, dossiers, first, last):
    flows = daily_flows(first, last, dossiers)
    names = _names(period.group_by, flows)
    position = {"unit": 0, "field": 1, "procedure": 2}.get(period.group_by, 0)
    for key_tuple, counts in flows.items():
        key = key_tuple[position]
        code, name = names.get(key, ("", ""))
        period.add(key, code, name, key_tuple[3], counts)


def _names(group_by, flows):
    model, position = {
        "unit": (Unit, 0),
        "field": (Field, 1),
        "procedure": (Procedure, 2),
        "month": (Unit, 0),
    }[group_by]
    ids = {key[position] for key in flows}
    return {
        pk: (code, name)
        for pk, code, name in model.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    }
