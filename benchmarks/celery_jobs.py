"""The background jobs on the 1M-dossier database: the reminder sweeps (time and peak
memory), the roll-up of the whole history and the nightly one, and the on-time report by
unit for a year against the raw SQL count of the same figures. Run after `generate_data.py`.

    .venv/bin/python benchmarks/celery_jobs.py [--url postgres://…/onestop_bench] [--rounds 20]

Never part of `make test`. It writes Reminder, DailyStat and MonthlyStat rows into the
benchmark database.
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
    from django.utils import timezone

    from dossiers.models import Dossier

    total = Dossier.objects.count()
    print(f"{total:,} dossiers")
    now = timezone.now()
    sweeps = _sweeps(now)
    roll_ups = _roll_ups(timezone.localdate(now))
    report = _year_report(timezone.localdate(now), options.rounds)
    support.emit_rows(options, _rows(total, sweeps, roll_ups, report))


def _sweeps(now):
    """{name: (seconds, reminders owed, peak MiB)}, then the due-soon sweep once more with
    everything already owed."""
    from dossiers.messaging import reminders
    from dossiers.models import Reminder

    Reminder.objects.all().delete()
    found = {}
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
        found[name] = (elapsed, owed, peak / 2**20)
        print(
            f"sweep {name}: {elapsed:.2f} s, {owed:,} reminders owed, peak {peak / 2**20:.1f} MiB"
        )
    started = perf_counter()
    reminders.sweep_due_soon(now)
    found["again"] = perf_counter() - started
    print(f"sweep due soon again (all already owed): {found['again']:.2f} s")
    return found


def _roll_ups(today):
    """The whole history (the generator's year) from empty tables, then the nightly job
    (the last three days again)."""
    from django.db import connection

    from dossiers.models import DailyStat, MonthlyStat, RollupState
    from dossiers.reporting.rollup import nightly_roll_up, roll_up

    with connection.cursor() as cursor:
        for model in (DailyStat, MonthlyStat, RollupState):
            cursor.execute(f"TRUNCATE {model._meta.db_table}")
    first_day = today - timedelta(days=400)
    started = perf_counter()
    rows = roll_up(first_day, today - timedelta(days=1))
    year = perf_counter() - started
    print(f"roll-up of {first_day}..{today - timedelta(days=1)}: {year:.1f} s, {rows:,} rows")
    started = perf_counter()
    nightly_rows = nightly_roll_up(today)
    nightly = perf_counter() - started
    print(f"nightly roll-up (last three days): {nightly:.2f} s, {nightly_rows:,} rows")
    return {
        "year": year,
        "rows": rows,
        "months": MonthlyStat.objects.count(),
        "nightly": nightly,
        "nightly_rows": nightly_rows,
    }


def _year_report(today, rounds):
    from django.db import connection

    from dossiers.reporting.counting import day_bounds
    from dossiers.reporting.on_time import on_time_report

    year_first = today.replace(month=1, day=1)
    start, end = day_bounds(year_first, today)
    report_times, raw_times = [], []
    for _round in range(rounds):
        started = perf_counter()
        report = on_time_report(year_first, today, "unit", today=today)
        report_times.append(perf_counter() - started)
        started = perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RAW_REPORT_SQL, {"start": start, "end": end})
            raw = cursor.fetchall()
        raw_times.append(perf_counter() - started)
    received = sum(row.received for row in report)
    assert received == sum(row[1] for row in raw), "report and raw SQL disagree"
    found = {
        "units": len(report),
        "received": received,
        "report": support.p50_p95(report_times),
        "raw": support.p50_p95(raw_times),
        "rounds": rounds,
    }
    print(
        f"on-time report by unit {year_first}..{today} ({found['units']} units, {received:,} "
        f"received): {found['report']}; raw SQL count {found['raw']}"
    )
    return found


def _rows(total, sweeps, roll_ups, report):
    data = f"{total:,} dossiers (generated)"
    due_soon, overdue, behind = (sweeps[name] for name in ("due soon", "overdue", "steps behind"))
    return [
        support.row(
            "Reminder sweep: due soon (`reminders.sweep_due_soon`)",
            f"{data}, open ones found through the (status, due_at) index",
            f"{due_soon[0]:.2f} s, {due_soon[1]:,} reminders owed, peak traced memory "
            f"{due_soon[2]:.1f} MiB; again with all owed: {sweeps['again']:.2f} s",
            "— (goal ≤ 5 s, flat memory)",
        ),
        support.row(
            "Reminder sweep: overdue / steps behind",
            data,
            f"{overdue[0]:.2f} s ({overdue[1]:,} owed) / {behind[0]:.2f} s ({behind[1]:,} owed), "
            f"peak ≤ {max(overdue[2], behind[2]):.1f} MiB",
            "—",
        ),
        support.row(
            "Roll-up of the whole history from empty tables (`rollup.roll_up`)",
            f"{data}; {roll_ups['rows']:,} DailyStat rows, {roll_ups['months']:,} MonthlyStat rows",
            f"{roll_ups['year']:.1f} s",
            "— (goal ≤ 30 s)",
        ),
        support.row(
            "Nightly roll-up (`rollup.nightly_roll_up`: the last three days again)",
            f"{data}; {roll_ups['nightly_rows']:,} DailyStat rows",
            f"{roll_ups['nightly']:.2f} s",
            "— (goal ≤ 30 s)",
        ),
        support.row(
            "On-time report by unit, 1 Jan → today (`on_time.on_time_report`: whole months "
            "from MonthlyStat, the other days from DailyStat, today live)",
            f"{data}, {report['received']:,} received in the period, {report['units']} units",
            f"{report['report']} ({report['rounds']} rounds)",
            "raw SQL count of received / finished / on time per unit over "
            f"`dossiers_dossier`: {report['raw']}",
        ),
    ]


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=support.DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=20)
    support.add_json_option(parser)
    return parser.parse_args()


if __name__ == "__main__":
    main()
