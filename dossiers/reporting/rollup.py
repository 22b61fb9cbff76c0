"""The daily and monthly roll-up of the report flows (DESIGN §3.7).

``daily_flows`` counts what happened per receiving unit, procedure and local day (as
``counting`` defines it); the nightly roll-up stores those flows in DailyStat and sums them
per month in MonthlyStat, and reports add the stored days to live flows for the days not
rolled up yet, so a report equals a direct count at any moment.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.workdays import TZ

from ..models import DailyStat, Dossier, MonthlyStat, RollupState
from .counting import FLOW_FIELDS, KEY, flow_queries


def daily_flows(first, last, dossiers=None):
    """{(unit_id, field_id, procedure_id, day): {flow: n}} for days first..last."""
    dossiers = Dossier.objects.all() if dossiers is None else dossiers
    flows = defaultdict(lambda: dict.fromkeys(FLOW_FIELDS, 0))
    for query in flow_queries(first, last, dossiers):
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
    for number, query in enumerate(flow_queries(first, last, Dossier.objects.all(), grouped=False)):
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
    first_month, after_last_month = first.replace(day=1), next_month(last)
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


def next_month(day):
    """The first day of the month after ``day``'s."""
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
        else first <= first_activity(Dossier.objects.all(), first)
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
        first = min(first, first_activity(Dossier.objects.all(), first))
    elif done < first:
        first = done + timedelta(days=1)
    return roll_up(first, yesterday)


def first_activity(dossiers, fallback):
    """The local day of the earliest receipt: live counting starts there when nothing has
    been rolled up."""
    earliest = dossiers.filter(received_at__isnull=False).order_by("received_at").first()
    if earliest is None:
        return fallback
    return timezone.localtime(earliest.received_at, TZ).date()


# --- reading the stored sums -----------------------------------------------------------------


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
    whole_start = first if first is None or first.day == 1 else next_month(first)
    whole_end = after_last.replace(day=1)
    if daily_only or (whole_start is not None and whole_start >= whole_end):
        return [(DailyStat, "day", first, after_last)]
    parts = [(MonthlyStat, "month", whole_start, whole_end)]
    if first is not None and first < whole_start:
        parts.append((DailyStat, "day", first, whole_start))
    if whole_end < after_last:
        parts.append((DailyStat, "day", whole_end, after_last))
    return parts
