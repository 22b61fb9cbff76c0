"""Fill a throwaway PostgreSQL database with a big town: 5,000 procedures and 1,000,000
dossiers over a year with their events, supplement requests, apologies and ratings.

    .venv/bin/python benchmarks/generate_data.py [--dossiers 1000000] [--procedures 5000]
        [--url postgres://postgres@127.0.0.1:5432/onestop_bench] [--workers 2] [--reset]

The database is created and migrated when missing. The rows come from the demo's generator
(`demo.generator`), planned day by day; worker processes each take a slice of the days
and stream it into PostgreSQL with COPY. Never part of `make test`.
"""

import argparse
import multiprocessing
import os
import sys
from contextlib import contextmanager
from time import perf_counter

import support

COPY_BATCH = 20_000  # dossiers per COPY round trip in a worker
DAYS_PER_TASK = 7


def main():
    options = _arguments()
    support.setup_django(options.url, migrate=True)
    started = perf_counter()
    if not _prepare(options):
        return
    _load_dossiers(options, started)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=support.DEFAULT_URL)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--procedures", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="delete the dossiers first")
    return parser.parse_args()


def _prepare(options):
    """Units, users and catalogue in place and the dossier tables empty; False when the
    database already holds the requested dossiers."""
    from django.db import connection

    from demo import catalogue, town
    from dossiers.models import Dossier

    with connection.cursor() as cursor:
        restore_parked_indexes(cursor)  # left behind by a run that died half-way
    existing = Dossier.objects.count()
    if existing and not options.reset:
        print(f"{existing:,} dossiers already there; --reset to generate them again")
        return False
    if existing:
        _truncate_dossiers()
    town.seed(_quiet)
    catalogue.seed(_quiet)
    added = catalogue.add_procedure_variants(options.procedures, options.seed)
    print(f"catalogue: {added:,} synthetic procedures added")
    return True


def _quiet(_line):
    pass


def _truncate_dossiers():
    from django.db import connection

    from dossiers.models import DailySequence, Dossier

    tables = [Dossier._meta.db_table, DailySequence._meta.db_table]
    with connection.cursor() as cursor:
        # CASCADE empties every table that points to a dossier (events, ratings, ...).
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    print("dossier tables emptied")


# --- the dossiers, in parallel -------------------------------------------------------------


def _load_dossiers(options, started):
    from django.db import connection
    from django.utils import timezone

    from core.selectors import build_working_calendar
    from demo.generator.days import plan_days
    from demo.generator.filings import DossierGenerator
    from demo.generator.from_database import world_from_database

    now = timezone.now()
    world = world_from_database(build_working_calendar(), seed=options.seed)
    plan = plan_days(world, now, options.dossiers)
    tasks = _tasks(plan, options, now)
    print(
        f"{options.dossiers:,} dossiers over {len(plan)} days, {len(world.desks)} desks, "
        f"{len({p.id for desk in world.desks for p in desk.procedures}):,} procedures, "
        f"{len(tasks)} tasks on {options.workers} workers"
    )
    connection.close()  # the workers are forked: each opens its own
    # The workers inherit the world through fork rather than pickling it per task.
    global _WORLD, _GENERATOR_CLASS
    _WORLD, _GENERATOR_CLASS = world, DossierGenerator
    context = multiprocessing.get_context("fork")
    done = events = 0
    sequences, tallies, spent = {}, [], {"generating": 0.0, "copying": 0.0}
    loading = perf_counter()
    with (
        _secondary_indexes_dropped(options.url),
        context.Pool(options.workers, initializer=_open_worker, initargs=[options.url]) as pool,
    ):
        for result in pool.imap_unordered(_run_task, tasks):
            done += result["dossiers"]
            events += result["events"]
            sequences.update(result["sequences"])
            tallies.append(result["tally"])
            for step in spent:
                spent[step] += result[step]
            rate = done / (perf_counter() - loading)
            print(f"  {done:>9,} dossiers, {events:>10,} events ({rate:,.0f} dossiers/s)")
    print(
        f"worker time: generating {spent['generating']:.0f} s, "
        f"waiting for COPY {spent['copying']:.0f} s"
    )
    _finish(options.url, sequences)
    _summary(options.dossiers, events, tallies, perf_counter() - started, perf_counter() - loading)


def _tasks(plan, options, now):
    """Slices of a week, each with its first dossier id and its own seed."""
    first_id, tasks = 1, []
    for start in range(0, len(plan), DAYS_PER_TASK):
        days = plan[start : start + DAYS_PER_TASK]
        count = sum(day.counter + day.online for day in days)
        tasks.append(
            {
                "days": days,
                "first_id": first_id,
                "seed": f"{options.seed}:{days[0].day.isoformat()}",
                "now": now,
                "online_total": sum(day.online for day in plan),
            }
        )
        first_id += count
    return tasks


# Where the definitions of the dropped indexes wait, so that a run that dies half-way
# still gets them back at the next start.
PARKED_INDEXES = "bench_parked_indexes"


@contextmanager
def _secondary_indexes_dropped(url):
    """Load without the secondary indexes of the dossier tables (keys and unique
    constraints stay) and build them once at the end: much faster than updating them
    row by row."""
    import psycopg2

    from dossiers.models import Apology, Dossier, DossierEvent, Rating, SupplementRequest

    tables = [m._meta.db_table for m in (Dossier, DossierEvent, SupplementRequest, Apology, Rating)]
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            _park_indexes(cursor, tables)
        yield
    finally:
        started = perf_counter()
        with connection.cursor() as cursor:
            built = restore_parked_indexes(cursor)
        connection.close()
        print(f"{built} indexes built in {perf_counter() - started:.0f} s")


def _park_indexes(cursor, tables):
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {PARKED_INDEXES} (name text PRIMARY KEY, definition text)"
    )
    cursor.execute(
        f"""INSERT INTO {PARKED_INDEXES}
            SELECT indexname, indexdef FROM pg_indexes AS i
            WHERE tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname)
            ON CONFLICT DO NOTHING""",
        [tables],
    )
    cursor.execute(f"SELECT name FROM {PARKED_INDEXES}")
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore_parked_indexes(cursor):
    """Build the indexes a load parked; returns how many."""
    cursor.execute(f"SELECT to_regclass('{PARKED_INDEXES}')")
    if cursor.fetchone()[0] is None:
        return 0
    cursor.execute(f"SELECT name, definition FROM {PARKED_INDEXES} ORDER BY name")
    parked = cursor.fetchall()
    for name, definition in parked:
        cursor.execute(definition.replace("INDEX", "INDEX IF NOT EXISTS", 1))
        cursor.execute(f"DELETE FROM {PARKED_INDEXES} WHERE name = %s", [name])
    return len(parked)


_WORLD = _GENERATOR_CLASS = None
_CONNECTION = None


def _open_worker(url):
    import psycopg2

    global _CONNECTION
    _CONNECTION = psycopg2.connect(url)
    with _CONNECTION.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        try:
            # A throwaway database loaded by its owner: skip the foreign-key triggers; the
            # generator only writes ids it has just given out.
            cursor.execute("SET session_replication_role = replica")
        except psycopg2.Error:
            _CONNECTION.rollback()
    _CONNECTION.commit()


def _run_task(task):
    from demo.generator.copy_rows import CopyTables

    generator = _GENERATOR_CLASS(_WORLD, task["now"], seed=task["seed"])
    tables = CopyTables()
    next_id, events, copying = task["first_id"], 0, 0.0
    started = perf_counter()
    for dossier in generator.generate_days(task["days"], task["online_total"]):
        tables.add(next_id, dossier)
        next_id += 1
        events += len(dossier.events)
        if tables.dossiers.rows >= COPY_BATCH:
            copying += _timed(tables.copy, _CONNECTION)
    copying += _timed(tables.copy, _CONNECTION)
    return {
        "dossiers": next_id - task["first_id"],
        "events": events,
        "sequences": generator.sequences,
        "tally": generator.tally,
        "generating": perf_counter() - started - copying,
        "copying": copying,
    }


def _timed(function, *args):
    started = perf_counter()
    function(*args)
    return perf_counter() - started


def _finish(url, sequences):
    """The desks' daily sequences at their last number, the id sequence after the last
    dossier, and fresh planner statistics."""
    import psycopg2

    from demo.generator.copy_rows import copy_sequences
    from dossiers.models import Dossier

    connection = psycopg2.connect(url)
    with connection, connection.cursor() as cursor:
        copy_sequences(cursor, sequences)
        table = Dossier._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
        )
    # VACUUM as autovacuum soon would after a bulk load: it sets the visibility map that
    # index-only scans need, so the benchmarks see a settled database, not a fresh COPY.
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    connection.close()


def _summary(count, events, tallies, total_seconds, load_seconds):
    finished = {True: 0, False: 0}
    in_time = {True: 0, False: 0}
    for tally in tallies:
        for side in (True, False):
            finished[side] += tally.finished[side]
            in_time[side] += tally.in_time[side]
    rates = ", ".join(
        f"{name} {100 * in_time[side] / finished[side]:.2f} %"
        for name, side in (("town", True), ("wards", False))
        if finished[side]
    )
    print(
        f"done: {count:,} dossiers and {events:,} events in {total_seconds:.0f} s "
        f"(dossiers loaded in {load_seconds:.0f} s, {count / load_seconds:,.0f}/s); "
        f"on time: {rates}"
    )


if __name__ == "__main__":
    sys.exit(main())
