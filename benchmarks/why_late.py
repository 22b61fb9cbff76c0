"""The why-late drill-down on the 1M-dossier database: the late dossiers of the year
grouped by the unit that held them when their time ran out (`dossiers.reporting.late`),
and the first page of their list, against a raw SQL statement doing the same grouping.
Run after `generate_data.py`; without the benchmark database it says so and measures
nothing (it never creates or fills one).

    .venv/bin/python benchmarks/why_late.py [--url postgres://…/onestop_bench] [--rounds 20]

Never part of `make test`. It only reads.
"""

import argparse
from time import perf_counter
from urllib.parse import urlsplit, urlunsplit

import support

# The late dossiers of [start, end) (finished late, or running past a due time that fell
# in it) counted by the unit of the last event at or before their due time.
RAW_SQL = """
SELECT coalesce(held.to_unit_id, d.handling_unit_id) AS unit_id, count(*)
FROM dossiers_dossier d
LEFT JOIN LATERAL (
    SELECT e.to_unit_id FROM dossiers_dossierevent e
    WHERE e.dossier_id = d.id AND e.at <= d.due_at
    ORDER BY e.at DESC, e.id DESC LIMIT 1
) held ON true
WHERE (d.received_at IS NOT NULL AND d.resolved_at >= %(start)s AND d.resolved_at < %(end)s
       AND d.verdict = 'late')
   OR (d.status IN ('received', 'in_progress', 'withdrawal_requested')
       AND d.due_at >= %(start)s AND d.due_at < LEAST(%(end)s, %(now)s))
GROUP BY 1
"""


def main():
    options = _arguments()
    if not _database_exists(options.url):
        name = urlsplit(options.url).path.lstrip("/")
        print(f"no benchmark database {name}: run benchmarks/generate_data.py first; skipped")
        return
    support.setup_django(options.url)
    from django.utils import timezone

    from dossiers.models import Dossier

    total = Dossier.objects.count()
    print(f"{total:,} dossiers")
    if not total:
        print("the benchmark database is empty: run benchmarks/generate_data.py; skipped")
        return
    found = _measure(timezone.now(), options.rounds)
    support.emit_rows(options, _rows(total, found))


def _database_exists(url):
    """Whether the database of ``url`` exists (support.setup_django would create it)."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    try:
        connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    except psycopg2.OperationalError as error:
        print(f"PostgreSQL is not reachable ({error.__class__.__name__})")
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def _measure(now, rounds):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from dossiers.reporting import late
    from dossiers.reporting.counting import day_bounds

    reader = get_user_model().objects.filter(is_superuser=True).first()
    today = timezone.localdate(now)
    first = today.replace(month=1, day=1)
    start, end = day_bounds(first, today)
    grouped, page, raw = [], [], []
    for _round in range(rounds):
        started = perf_counter()
        groups = late.late_groups(reader, first, today, late.Grouping.UNIT, now=now)
        grouped.append(perf_counter() - started)
        started = perf_counter()
        dossiers = late.late_dossiers(reader, first, today, now=now)
        late.with_holder_names(dossiers.select_related(*late.ROW_RELATED)[:25])
        page.append(perf_counter() - started)
        started = perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, {"start": start, "end": end, "now": now})
            rows = cursor.fetchall()
        raw.append(perf_counter() - started)
    counted = sum(group.late for group in groups)
    assert counted == sum(count for _unit, count in rows), "the report and raw SQL disagree"
    found = {
        "late": counted,
        "units": len(groups),
        "grouped": support.p50_p95(grouped),
        "page": support.p50_p95(page),
        "raw": support.p50_p95(raw),
    }
    print(
        f"why late {first}..{today}: {counted:,} late dossiers, {len(groups)} holding units; "
        f"grouped {found['grouped']}, first page {found['page']}; raw SQL {found['raw']}"
    )
    return found


def _rows(total, found):
    data = f"{total:,} dossiers (generated), {found['late']:,} late this year"
    return [
        support.row(
            "Why late: late dossiers by holding unit (`late.late_groups`)",
            data,
            found["grouped"],
            f"raw SQL with a lateral join: {found['raw']}",
        ),
        support.row(
            "Why late: first page of the late dossiers with their holders",
            data,
            found["page"],
            f"raw SQL grouping: {found['raw']}",
        ),
    ]


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=support.DEFAULT_URL, help="the benchmark database")
    parser.add_argument("--rounds", type=int, default=20)
    support.add_json_option(parser)
    return parser.parse_args()


if __name__ == "__main__":
    main()
