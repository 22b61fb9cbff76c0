"""On-time statistics: the daily roll-up and the reports read from it (DESIGN §3.4, §3.7).

Everything is aggregated in SQL. ``daily_flows`` counts what happened per receiving unit,
procedure and local day; the nightly roll-up stores those flows in DailyStat, and reports add
the stored days to live flows for the days not rolled up yet, so a report equals a direct
count at any moment.
"""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from core.workdays import TZ, Verdict

from .models import (
    DUE_FALLS,
    Channel,
    DailyStat,
    Dossier,
    MonthlyStat,
    Rating,
    RollupState,
    Satisfaction,
)

FLOW_FIELDS = [
    "received",
    "received_online",
    "finished",
    "early",
    "on_time",
    "late",
    "late_with_apology",
    "left",
    "left_overdue",
    "due_fell",
    "rated",
    "satisfied",
    "dissatisfied",
]
GROUPS = {
    "unit": ("unit_id", "unit__code", "unit__name"),
    "field": ("field_id", "field__code", "field__name"),
    "procedure": ("procedure_id", "procedure__code", "procedure__name"),
}


def day_bounds(first, last):
    """[start of ``first``, start of the day after ``last``) as aware local instants."""
    return (
        datetime.combine(first, time.min, tzinfo=TZ),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=TZ),
    )


def _local_day(column):
    return TruncDate(column, tzinfo=TZ)


# --- flows: the direct count ---------------------------------------------------------------


KEY = ("k_unit", "k_field", "k_procedure", "k_day")


def _keyed(queryset, day_column, grouped, prefix="", **counted):
    """Key ``queryset`` by receiving unit, field, procedure and local day and select every
    flow under a stable name (0 for those this query does not count), so the queries can
    be summed together, in Python or in one SQL statement. ``counted`` maps each flow it
    counts to the condition a row must meet (None: every row). Grouped, each flow is a
    count per key; otherwise each row carries a 1 or 0 per flow, for one grouping over
    every query at once."""
    keyed = queryset.annotate(
        k_unit=F(f"{prefix}receiving_unit_id"),
        k_field=F(f"{prefix}procedure__field_id"),
        k_procedure=F(f"{prefix}procedure_id"),
        k_day=_local_day(day_column),
    )
    zeros = {name: Value(0) for name in FLOW_FIELDS if name not in counted}
    if grouped:
        flows = {name: Count("id", filter=condition) for name, condition in counted.items()}
        return keyed.values(*KEY).annotate(**flows, **zeros).order_by()
    marks = {
        name: Value(1) if condition is None else Case(When(condition, then=1), default=0)
        for name, condition in counted.items()
    }
    return keyed.annotate(**marks, **zeros).values(*KEY, *FLOW_FIELDS).order_by()


def _flow_queries(first, last, dossiers, grouped=True):
    start, end = day_bounds(first, last)
    received = dossiers.filter(received_at__isnull=False)
    left = received.annotate(left_at=Coalesce("resolved_at", "closed_at"))
    ratings = Rating.objects.filter(rated_at__gte=start, rated_at__lt=end)
    if dossiers.query.where:
        ratings = ratings.filter(dossier__in=dossiers)
    late = Q(verdict=Verdict.LATE)
    dissatisfied = Q(level=Satisfaction.DISSATISFIED)
    return [
        _keyed(
            received.filter(received_at__gte=start, received_at__lt=end),
            "received_at",
            grouped,
            received=None,
            received_online=Q(channel=Channel.ONLINE),
        ),
        _keyed(
            received.filter(resolved_at__gte=start, resolved_at__lt=end),
            "resolved_at",
            grouped,
            finished=None,
            early=Q(verdict=Verdict.EARLY),
            on_time=Q(verdict=Verdict.ON_TIME),
            late=late,
            late_with_apology=late & Q(apology_count__gt=0),
        ),
        _keyed(
            left.filter(left_at__gte=start, left_at__lt=end),
            "left_at",
            grouped,
            left=None,
            left_overdue=Q(left_at__gt=F("due_at")),
        ),
        _keyed(
            left.filter(DUE_FALLS, due_at__gte=start, due_at__lt=end),
            "due_at",
            grouped,
            due_fell=None,
        ),
        _keyed(
            ratings,
            "rated_at",
            grouped,
            prefix="dossier__",
            rated=None,
            satisfied=~dissatisfied,
            dissatisfied=dissatisfied,
        ),
    ]


def daily_flows(first, last, dossiers=None):
    """{(unit_id, field_id, procedure_id, day): {flow: n}} for days first..last."""
    dossiers = Dossier.objects.all() if dossiers is None else dossiers
    flows = defaultdict(lambda: dict.fromkeys(FLOW_FIELDS, 0))
    for query in _flow_queries(first, last, dossiers):
        for row in query:
            bucket = flows[tuple(row[name] for name in KEY)]
            for name in FLOW_FIELDS:
                bucket[name] += row[name]
    return flows


# --- the roll-up ---------------------------------------------------------------------------


@transaction.atomic
def roll_up(first, last):
    """Recompute the stored flows of days first..last (idempotent: replaces them), then
    the monthly sums of the months they fall in. One INSERT … SELECT sums the flow
    queries inside the database."""
    _tune_for_bulk_aggregation()
    DailyStat.objects.filter(day__gte=first, day__lte=last).delete()
    quote = connection.ops.quote_name
    keys = ", ".join(quote(name) for name in KEY)
    selected = ", ".join(quote(name) for name in KEY + tuple(FLOW_FIELDS))
    parts, params = [], []
    for number, query in enumerate(
        _flow_queries(first, last, Dossier.objects.all(), grouped=False)
    ):
        sql, query_params = query.query.sql_with_params()
        parts.append(f"SELECT {selected} FROM ({sql}) AS flow{number}")
        params.extend(query_params)
    sums = ", ".join(f"SUM({quote(name)}) AS {quote(name)}" for name in FLOW_FIELDS)
    grouped = f"SELECT {keys}, {sums} FROM ({' UNION ALL '.join(parts)}) AS flows GROUP BY {keys}"
    stored = _insert_select(
        DailyStat,
        ("unit_id", "field_id", "procedure_id", "day"),
        *_staged(grouped, params, order_by=("k_day", "k_unit", "k_procedure")),
    )
    _roll_up_months(first, last)
    _advance_rolled_through(first, last)
    return stored


def _roll_up_months(first, last):
    """Re-sum the months that days first..last fall in from the daily rows."""
    first_month, after_last_month = first.replace(day=1), _next_month(last)
    MonthlyStat.objects.filter(month__gte=first_month, month__lt=after_last_month).delete()
    monthly = (
        DailyStat.objects.filter(day__gte=first_month, day__lt=after_last_month)
        .annotate(k_month=TruncMonth("day"))
        .values("unit_id", "field_id", "k_month")
        .annotate(**{name: Sum(name) for name in FLOW_FIELDS})
        .order_by()
    )
    sql, params = monthly.query.sql_with_params()
    _insert_select(MonthlyStat, ("unit_id", "field_id", "month"), sql, params)


def _insert_select(model, keys, select_sql, params):
    """INSERT the rows of ``select_sql`` (its keys, then every flow, in that order)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in (*keys, *FLOW_FIELDS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {select_sql}", params
        )
        return cursor.rowcount


def _staged(select_sql, params, order_by):
    """The rows of ``select_sql`` sorted by ``order_by``, ready to insert. On PostgreSQL
    they are computed into a temporary table first: the SELECT of an INSERT never runs in
    parallel, a CREATE TABLE … AS may. Sorted like the unique index, the inserted rows land
    at its end instead of all over it."""
    order = ", ".join(connection.ops.quote_name(name) for name in order_by)
    if connection.vendor != "postgresql":
        return f"{select_sql} ORDER BY {order}", params
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.rollup_staging")
        cursor.execute(
            f"CREATE TEMPORARY TABLE rollup_staging ON COMMIT DROP AS {select_sql}", params
        )
    return f"SELECT * FROM rollup_staging ORDER BY {order}", []


def _tune_for_bulk_aggregation():
    """A year's roll-up groups about a million keys several times over: with PostgreSQL's
    default work_mem each grouping spills to disk, and compiling the plan (JIT) costs
    seconds for a query run once a night. Only for this transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = %s", [settings.ONESTOP_ROLLUP_WORK_MEM])
            cursor.execute("SET LOCAL jit = off")


def _next_month(day):
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _advance_rolled_through(first, last):
    """Reports trust the roll-up up to ``rolled_through``: it only moves on when the
    stored days stay contiguous from the first dossier on."""
    state, _created = RollupState.objects.select_for_update().get_or_create(pk=1)
    done = state.rolled_through
    if done is not None and done >= last:
        return
    contiguous = (
        first <= done + timedelta(days=1)
        if done is not None
        else first <= _first_activity(Dossier.objects.all(), first)
    )
    if contiguous:
        state.rolled_through = last
        state.save(update_fields=["rolled_through"])


def rolled_through():
    state = RollupState.objects.filter(pk=1).first()
    return state.rolled_through if state else None


def nightly_roll_up(today=None, days_back=3):
    """Roll up every finished day not stored yet, and re-roll the last few (late ratings
    and corrections land there)."""
    today = today or timezone.localdate()
    yesterday = today - timedelta(days=1)
    done = rolled_through()
    first = yesterday - timedelta(days=days_back - 1)
    if done is None:
        first = min(first, _first_activity(Dossier.objects.all(), first))
    elif done < first:
        first = done + timedelta(days=1)
    return roll_up(first, yesterday)


# --- reports -------------------------------------------------------------------------------


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
    def on_time_rate(self):
        return _percent(self.early + self.on_time, self.finished)

    @property
    def progress_rate(self):
        """The national service index's progress: finished on time plus still within
        time, over every dossier finished or in hand."""
        within = self.in_progress - self.overdue
        return _percent(self.early + self.on_time + within, self.finished + self.in_progress)

    @property
    def online_share(self):
        return _percent(self.received_online, self.received)

    @property
    def satisfaction_rate(self):
        return _percent(self.satisfied, self.rated)

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


def _percent(part, whole):
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def on_time_report(
    first, last, group_by="unit", units=None, field=None, procedure=None, today=None
):
    """Rows of the on-time report for days first..last grouped by unit, field, procedure
    or month; ``units`` (a Unit queryset) limits it to those receiving units, ``field``
    and ``procedure`` to one field or procedure.

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
        _add_live(period, dossiers, live_first or _first_activity(dossiers, first), last)
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


def stored_flow_sums(first, last, columns, daily_only=False, by_month=False, **filters):
    """The stored flows of days first..last (``first`` None: from the beginning) summed
    per ``columns``, and per month (``k_month``) when ``by_month``. Whole months are read
    from MonthlyStat, the days around them from DailyStat; ``daily_only`` when the
    procedure matters. ``filters`` apply to both tables (unit, field, procedure)."""
    sums = {name: Sum(name) for name in FLOW_FIELDS}
    for model, date_column, start, end in _stored_parts(first, last, daily_only):
        rows = model.objects.filter(**filters, **{f"{date_column}__lt": end})
        if start is not None:
            rows = rows.filter(**{f"{date_column}__gte": start})
        grouped_by = list(columns)
        if by_month:
            rows = rows.annotate(k_month=TruncMonth(date_column))
            grouped_by.append("k_month")
        yield from rows.values(*grouped_by).annotate(**sums).order_by()


def _stored_parts(first, last, daily_only):
    """(table, its date column, start, end exclusive) covering days first..last: the
    whole calendar months inside from MonthlyStat, the rest from DailyStat."""
    after_last = last + timedelta(days=1)
    whole_start = first if first is None or first.day == 1 else _next_month(first)
    whole_end = after_last.replace(day=1)
    if daily_only or (whole_start is not None and whole_start >= whole_end):
        return [(DailyStat, "day", first, after_last)]
    parts = [(MonthlyStat, "month", whole_start, whole_end)]
    if first is not None and first < whole_start:
        parts.append((DailyStat, "day", first, whole_start))
    if whole_end < after_last:
        parts.append((DailyStat, "day", whole_end, after_last))
    return parts


def _add_live(period, dossiers, first, last):
    flows = daily_flows(first, last, dossiers)
    names = _names(period.group_by, flows)
    position = {"unit": 0, "field": 1, "procedure": 2}.get(period.group_by, 0)
    for key_tuple, counts in flows.items():
        key = key_tuple[position]
        code, name = names.get(key, ("", ""))
        period.add(key, code, name, key_tuple[3], counts)


def _first_activity(dossiers, fallback):
    """The local day of the earliest receipt: live counting starts there when nothing has
    been rolled up."""
    earliest = dossiers.filter(received_at__isnull=False).order_by("received_at").first()
    if earliest is None:
        return fallback
    return timezone.localtime(earliest.received_at, TZ).date()


def _names(group_by, flows):
    from core.models import Unit
    from procedures.models import Field, Procedure

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
