"""The background jobs on the 1M-dossier database: the reminder sweeps (time and peak
memory), the nightly roll-up of a whole year, and the on-time report by unit for a year
against the raw SQL count of the same figures. Run after `generate_data.py`.

    .venv/bin/python benchmarks/celery_jobs.py [--url postgres://…/onestop_bench] [--rounds 20]

Never part of `make test`. It writes Reminder and DailyStat rows into the benchmark database.
"""

import argparse
import tracemalloc
from datetime import timedelta
from time import perf_counter

import support

RAW_REPORT_SQL = """
SELECT d.receiving_unit_id,
       count(*) FILTER (WHERE d.received_at >= %(start)s AND d.received_at < %(end)s),
       count(*) FILTER (WHERE d.resolved_at >= %(start)s AND d.resolved_at < %(end)s),
       count(*) FILTER (WHERE d.resolved_at >= %(start)s AND d.resolved_at < %(end)s
                          AND d.verdict IN ('early', 'on_time'))
FROM dossiers_dossier d
WHERE d.received_at < %(end)s AND (d.resolved_at >= %(start)s OR d.received_at >= %(start)s)
GROUP BY d.receiving_unit_id
"""


def main():
    options = _arguments()
    support.setup_django(options.url)
    from django.db import connection
    from django.utils import timezone

    from dossiers import reminders
    from dossiers.models import DailyStat, Dossier, Reminder, RollupState
    from dossiers.statistics import day_bounds, on_time_report, roll_up

    total = Dossier.objects.count()
    print(f"{total:,} dossiers")
    now = timezone.now()
    Reminder.objects.all().delete()

    for name, sweep in (
        ("due soon", reminders.sweep_due_soon),
        ("overdue", reminders.sweep_overdue),
        ("steps behind", reminders.sweep_steps_behind),
    ):
        tracemalloc.start()
        started = perf_counter()
        owed = sweep(now)
        elapsed = perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"sweep {name}: {elapsed:.2f} s, {owed:,} reminders owed, peak {peak / 2**20:.1f} MiB"
        )
    started = perf_counter()
    reminders.sweep_due_soon(now)
    print(f"sweep due soon again (all already owed): {perf_counter() - started:.2f} s")

    last_day = timezone.localdate(now)
    first_day = last_day - timedelta(days=365)
    DailyStat.objects.all().delete()
    RollupState.objects.all().delete()
    started = perf_counter()
    rows = roll_up(first_day, last_day)
    print(f"roll-up of {first_day}..{last_day}: {perf_counter() - started:.1f} s, {rows:,} rows")

    year_first = last_day.replace(month=1, day=1)
    start, end = day_bounds(year_first, last_day)
    report_times, raw_times = [], []
    for _round in range(options.rounds):
        started = perf_counter()
        report = on_time_report(year_first, last_day, "unit", today=last_day + timedelta(days=1))
        report_times.append(perf_counter() - started)
        started = perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RAW_REPORT_SQL, {"start": start, "end": end})
            raw = cursor.fetchall()
        raw_times.append(perf_counter() - started)
    received = sum(row.received for row in report)
    assert received == sum(row[1] for row in raw), "report and raw SQL disagree"
    print(
        f"on-time report by unit {year_first}..{last_day} ({len(report)} units, "
        f"{received:,} received): p50 {support.milliseconds(support.percentile(report_times, 0.5))}"
        f", p95 {support.milliseconds(support.percentile(report_times, 0.95))}; raw SQL count "
        f"p50 {support.milliseconds(support.percentile(raw_times, 0.5))}, "
        f"p95 {support.milliseconds(support.percentile(raw_times, 0.95))}"
    )


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=support.DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=20)
    return parser.parse_args()


if __name__ == "__main__":
    main()
