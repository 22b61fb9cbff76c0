"""The leaders' dashboard on a million dossiers: its data endpoint for a year against the
raw SQL aggregate, measured in the same run.

    .venv/bin/python benchmarks/dashboard.py [--url postgres://…/onestop_bench]
        [--requests 60] [--workers 2] [--no-roll-up] [--json PATH]

It expects the database that ``benchmarks/generate_data.py`` fills (1,000,000 dossiers by
default) and:

1. rolls the statistics up with ``dossiers.reporting.rollup.roll_up`` from the first receipt to
   yesterday (timed), as the nightly task keeps them, then ANALYZEs;
2. starts gunicorn on 127.0.0.1 and a spare port and signs the demo leader (``lanhdao``)
   in with a session written to the database;
3. measures, interleaved so both see the same conditions, with keep-alive:
   - ``GET /dashboard/data.json?from=<1 January>&to=<today>`` — totals, town against
     wards, per unit, field and month, overdue and at-risk lists, ranking;
   - the raw SQL aggregate: one GROUP BY over the dossier table counting the same year's
     received, online, finished, early/on-time and late dossiers per receiving unit, run
     in this process on a plain cursor (no HTTP, no Django);
4. prints p50/p95 of both, their ratio and the dashboard's number of queries; then the
   dashboard computed with every cache empty (after a roll-up, or a new period or unit)
   and the public transparency figures computed without their five-minute cache.

Goal: p95 ≤ 150 ms and ≤ 2× the raw aggregate. Never part of ``make test``.
"""

import argparse
import json
import statistics
import sys
import time
from datetime import date, timedelta
from http.client import HTTPConnection
from urllib.parse import urlencode, urlsplit

import support

LEADER = "lanhdao"
DATA_PATH = "/dashboard/data.json"

RAW_AGGREGATE = """
SELECT receiving_unit_id,
       count(*) FILTER (WHERE received_at >= %(start)s AND received_at < %(end)s),
       count(*) FILTER (WHERE received_at >= %(start)s AND received_at < %(end)s
                        AND channel = 'online'),
       count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(end)s),
       count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(end)s
                        AND verdict IN ('early', 'on_time')),
       count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(end)s
                        AND verdict = 'late')
  FROM dossiers_dossier
 WHERE received_at IS NOT NULL
   AND (received_at >= %(start)s OR resolved_at >= %(start)s)
 GROUP BY receiving_unit_id
"""


def main():
    options = parse_args()
    support.setup_django(options.url, migrate=True)
    setup = prepare(options)
    with support.gunicorn(options.url, workers=options.workers) as base:
        results = measure(base, setup, options)
    stats = report(setup, results, options)
    support.emit_rows(options, table_rows(setup, results, stats, options))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=support.DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=60, help="rounds of each measure")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--no-roll-up", action="store_true", help="keep the roll-up as it is (already done)"
    )
    support.add_json_option(parser)
    return parser.parse_args()


def prepare(options):
    from django.db import connection
    from django.utils import timezone

    from dossiers.models import DailyStat, Dossier
    from dossiers.reporting.rollup import first_activity, roll_up

    dossiers = Dossier.objects.count()
    if not dossiers:
        raise SystemExit("No dossiers: run benchmarks/generate_data.py first.")
    today = timezone.localdate()
    first_day = first_activity(Dossier.objects.all(), today)
    roll_up_seconds = None
    if not options.no_roll_up:
        started = time.perf_counter()
        roll_up(first_day, today - timedelta(days=1))
        roll_up_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "dossiers": dossiers,
        "first_day": first_day,
        "today": today,
        "daily_stats": DailyStat.objects.count(),
        "roll_up_seconds": roll_up_seconds,
        "session": leader_session(),
    }


def leader_session():
    """A signed-in session of the demo leader, written straight to the session store."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from core.models import User

    user = User.objects.get(username=LEADER)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def measure(base, setup, options):
    from django.db import connection

    first = date(setup["today"].year, 1, 1)
    path = f"{DATA_PATH}?{urlencode({'from': first.isoformat(), 'to': setup['today']})}"
    bounds = raw_bounds(first, setup["today"])
    http = HTTPConnection(urlsplit(base).hostname, urlsplit(base).port, timeout=60)
    headers = {"Cookie": f"sessionid={setup['session']}"}
    check_totals(first, setup["today"], bounds)
    cold = cold_seconds(first, setup["today"])
    for _warm_up in range(2 * options.workers):  # every worker computes its cache once
        body = json.loads(timed_get(http, path, headers)[1])
    dashboard, raw = [], []
    for _round in range(options.requests):
        dashboard.append(timed_get(http, path, headers)[0])
        raw.append(timed_raw(connection, bounds)[0])
    http.close()
    return {
        "path": path,
        "dashboard": dashboard,
        "raw": raw,
        "totals": body["totals"],
        "queries": dashboard_queries(first, setup["today"]),
        "cold": cold,
        "transparency": transparency_seconds(setup["today"]),
    }


def raw_bounds(first, last):
    from dossiers.reporting.counting import day_bounds

    start, end = day_bounds(first, last)
    return {"start": start, "end": end}


def timed_get(http, path, headers):
    started = time.perf_counter()
    http.request("GET", path, headers=headers)
    response = http.getresponse()
    content = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}: {content[:300]!r}")
    return elapsed, content


def timed_raw(connection, bounds):
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(RAW_AGGREGATE, bounds)
        rows = cursor.fetchall()
        return time.perf_counter() - started, rows


def check_totals(first, last, bounds):
    """The dashboard (roll-up + live count) and the raw aggregate count the same, seen in
    one snapshot (other benchmarks may be writing dossiers meanwhile)."""
    from django.core.cache import cache
    from django.db import connection, transaction

    from core.models import User
    from dashboard.selectors import dashboard_figures

    cache.clear()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        totals = dashboard_figures(User.objects.get(username=LEADER), first, last).totals
        raw_rows = timed_raw(connection, bounds)[1]
    sums = [sum(row[column] for row in raw_rows) for column in range(1, 6)]
    shown = [
        totals.received,
        totals.received_online,
        totals.finished,
        totals.early + totals.on_time,
        totals.late,
    ]
    if shown != sums:
        raise SystemExit(f"dashboard totals {shown} differ from the raw aggregate {sums}")


def cold_seconds(first, last, rounds=3):
    """The dashboard computed with every cache empty, as after a roll-up or for a new
    period or unit (in this process, without HTTP)."""
    from django.core.cache import cache

    from core.models import User
    from dashboard.payload import dashboard_payload
    from dashboard.selectors import dashboard_figures

    samples = []
    for _round in range(rounds):
        cache.clear()
        user = User.objects.get(username=LEADER)
        started = time.perf_counter()
        dashboard_payload(dashboard_figures(user, first, last))
        samples.append(time.perf_counter() - started)
    return samples


def dashboard_queries(first, last):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import User
    from dashboard.payload import dashboard_payload
    from dashboard.selectors import dashboard_figures

    user = User.objects.get(username=LEADER)
    with CaptureQueriesContext(connection) as captured:
        dashboard_payload(dashboard_figures(user, first, last))
    return len(captured)


def transparency_seconds(today):
    """The public figures of the year computed from scratch, then again with the part of
    the days before today kept (the page itself keeps the whole for five minutes)."""
    from django.core.cache import cache

    from dashboard.transparency import _transparency

    cache.clear()
    samples = []
    for _round in range(2):
        started = time.perf_counter()
        _transparency(today)
        samples.append(time.perf_counter() - started)
    return samples


def report(setup, results, options):
    ms = {name: [s * 1000 for s in results[name]] for name in ("dashboard", "raw")}
    rows = {
        name: {
            "p50": support.percentile(samples, 0.5),
            "p95": support.percentile(samples, 0.95),
            "mean": statistics.fmean(samples),
        }
        for name, samples in ms.items()
    }
    print(f"data: {setup['dossiers']:,} dossiers from {setup['first_day']} to {setup['today']}")
    if setup["roll_up_seconds"] is not None:
        print(f"roll-up of every day to yesterday: {setup['roll_up_seconds']:.1f} s")
    print(f"roll-up rows (DailyStat): {setup['daily_stats']:,}")
    totals = results["totals"]
    print(
        f"year so far: {totals['received']:,} received, {totals['finished']:,} finished, "
        f"on-time rate {totals['on_time_rate']} % (equal to the raw aggregate)"
    )
    print(f"GET {results['path']}")
    for name, label in (("dashboard", "dashboard data"), ("raw", "raw SQL aggregate")):
        row = rows[name]
        print(
            f"  {label:<18} p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  "
            f"mean {row['mean']:7.1f} ms  ({len(ms[name])} samples)"
        )
    ratio = rows["dashboard"]["p95"] / rows["raw"]["p95"]
    print(
        f"dashboard p95 = {ratio:.2f} x raw p95 (goal: p95 <= 150 ms and <= 2 x raw); "
        f"{results['queries']} queries per dashboard; {options.workers} gunicorn workers"
    )
    cold = ", ".join(f"{s * 1000:.0f} ms" for s in results["cold"])
    print(f"dashboard computed with every cache empty: {cold}")
    scratch, kept = (s * 1000 for s in results["transparency"])
    print(
        f"transparency figures from scratch: {scratch:.0f} ms; "
        f"with the days before today kept: {kept:.0f} ms"
    )
    return rows


def table_rows(setup, results, stats, options):
    dashboard, raw = stats["dashboard"], stats["raw"]
    data = (
        f"{setup['dossiers']:,} dossiers, {results['totals']['received']:,} received in the "
        f"period; roll-up of {setup['daily_stats']:,} DailyStat rows"
    )
    if setup["roll_up_seconds"] is not None:
        data += f" ({setup['roll_up_seconds']:.1f} s in the same run)"
    cold = ", ".join(f"{seconds:,.2f} s" for seconds in results["cold"])
    scratch, kept = (seconds * 1000 for seconds in results["transparency"])
    return [
        support.row(
            f"Leaders' dashboard `GET {DATA_PATH}?from=<1 Jan>&to=<today>` as the town leader, "
            f"1 client, {options.workers} gunicorn workers, flows cached",
            data,
            f"p50 {dashboard['p50']:.1f} ms, p95 {dashboard['p95']:.1f} ms "
            f"({len(results['dashboard'])} requests); {results['queries']} queries",
            f"raw SQL aggregate per unit over `dossiers_dossier`: p50 {raw['p50']:.1f} ms, "
            f"p95 {raw['p95']:.1f} ms → dashboard p95 = {dashboard['p95'] / raw['p95']:.2f}× raw",
        ),
        support.row(
            "Leaders' dashboard with every cache empty (first request after a roll-up, or for "
            "a new scope, period or unit), in-process",
            data,
            cold,
            "—",
        ),
        support.row(
            "Transparency figures of the year (`dashboard.transparency`), in-process",
            data,
            f"from scratch {scratch:,.0f} ms; with the days before today kept {kept:,.0f} ms",
            "—",
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())
