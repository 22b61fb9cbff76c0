"""Fill a throwaway PostgreSQL database with a big town: 5,000 procedures and 1,000,000
dossiers over a year with their events, supplement requests, apologies and ratings.

    .venv/bin/python benchmarks/generate_data.py [--dossiers 1000000] [--procedures 5000]
        [--url postgres://postgres@127.0.0.1:5432/onestop_bench] [--workers 2] [--reset]

The database is created and migrated when missing. The rows come from the demo's generator
(`dossiers.generator`), planned day by day; worker processes each take a slice of the days
and stream it into PostgreSQL with COPY. Never part of `make test`.
"""

import argparse
import csv
import io
import multiprocessing
import os
import random
import sys
from contextlib import contextmanager
from datetime import timedelta
from time import perf_counter

import support

COPY_BATCH = 20_000  # dossiers per COPY round trip in a worker
DAYS_PER_TASK = 7
MICROSECOND = timedelta(microseconds=1)


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

    from core import demo as core_demo
    from dossiers.models import Dossier
    from procedures import demo as procedures_demo

    with connection.cursor() as cursor:
        restore_parked_indexes(cursor)  # left behind by a run that died half-way
    existing = Dossier.objects.count()
    if existing and not options.reset:
        print(f"{existing:,} dossiers already there; --reset to generate them again")
        return False
    if existing:
        _truncate_dossiers()
    core_demo.seed(_quiet)
    procedures_demo.seed(_quiet)
    added = _top_up_procedures(options.procedures, options.seed)
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


def _top_up_procedures(wanted, seed):
    """Variants of the real procedures (same field, level, limits, fees) up to `wanted`
    published procedures, each with its first version."""
    from django.db import transaction

    from procedures.models import Procedure, ProcedureVersion
    from procedures.services import terms_snapshot

    real = list(Procedure.objects.published().select_related("field").order_by("code"))
    missing = wanted - len(real)
    if missing <= 0:
        return 0
    rng = random.Random(seed)
    variants = []
    for n in range(missing):
        base = rng.choice(real)
        variant = Procedure(
            code=f"{base.code}.B{n:05d}",
            name=f"{base.name} (trường hợp {n + 2})",
            field=base.field,
            level=base.level,
            time_limit_amount=base.time_limit_amount,
            time_limit_unit=base.time_limit_unit,
            same_day_cutoff=base.same_day_cutoff,
            channel_terms=base.channel_terms,
            fee_amount=base.fee_amount,
            online_level=base.online_level,
            published=True,
        )
        variant.search_text = variant.build_search_text()
        variants.append(variant)
    with transaction.atomic():
        created = Procedure.objects.bulk_create(variants, batch_size=1000)
        versions = [
            ProcedureVersion(procedure=p, number=1, snapshot=terms_snapshot(p)) for p in created
        ]
        ProcedureVersion.objects.bulk_create(versions, batch_size=1000)
    return len(created)


# --- the dossiers, in parallel -------------------------------------------------------------


def _load_dossiers(options, started):
    from django.db import connection
    from django.utils import timezone

    from core.selectors import build_working_calendar
    from dossiers.generator import DossierGenerator, plan_days, world_from_database

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
    generator = _GENERATOR_CLASS(_WORLD, task["now"], seed=task["seed"])
    tables = _Tables()
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


class _Copy:
    """Rows of one table as CSV for COPY. csv (in C) does the quoting; PostgreSQL reads an
    unquoted empty value as NULL, except in the text columns (never NULL here), which
    FORCE_NOT_NULL keeps as empty strings."""

    def __init__(self, model, names):
        fields = {field.attname: field for field in model._meta.concrete_fields}
        self.table = model._meta.db_table
        self.columns = [fields[name].column for name in names]
        self.texts = [
            fields[name].column
            for name in names
            if fields[name].get_internal_type() in TEXT_TYPES and not fields[name].null
        ]
        # Intervals are the only values whose str() PostgreSQL does not read.
        self.durations = [
            i for i, name in enumerate(names) if fields[name].get_internal_type() == "DurationField"
        ]
        self._reset()

    def _reset(self):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.rows = 0

    def add(self, values):
        for i in self.durations:
            if values[i] is not None:
                values[i] = f"{values[i] // MICROSECOND} microseconds"
        self.writer.writerow(values)
        self.rows += 1

    def copy(self, cursor):
        if not self.rows:
            return
        self.buffer.seek(0)
        options = "FORMAT csv"
        if self.texts:
            options += f", FORCE_NOT_NULL ({_quoted(self.texts)})"
        cursor.copy_expert(
            f'COPY "{self.table}" ({_quoted(self.columns)}) FROM STDIN WITH ({options})',
            self.buffer,
        )
        self._reset()


class _Tables:
    """The COPY buffers of a worker. Column orders come from the generator's dicts, which
    fill the same keys in the same order for every dossier."""

    def __init__(self):
        self.dossiers = None

    def add(self, pk, dossier):
        if self.dossiers is None:
            self._start(dossier)
        self.dossiers.add([pk, *dossier.fields.values()])
        for event in dossier.events:
            self.events.add([pk, *event.values()])
        for row in dossier.supplements:
            self.supplements.add([pk, *row.values()])
        if dossier.apology:
            self.apologies.add([pk, *dossier.apology.values()])
        if dossier.rating:
            self.ratings.add([pk, *dossier.rating.values()])

    def _start(self, sample):
        from dossiers.generator import APOLOGY_KEYS, RATING_KEYS, SUPPLEMENT_KEYS
        from dossiers.models import Apology, Dossier, DossierEvent, Rating, SupplementRequest

        self.dossiers = _Copy(Dossier, ["id", *sample.fields])
        self.events = _Copy(DossierEvent, ["dossier_id", *sample.events[0]])
        self.supplements = _Copy(SupplementRequest, ["dossier_id", *SUPPLEMENT_KEYS])
        self.apologies = _Copy(Apology, ["dossier_id", *APOLOGY_KEYS])
        self.ratings = _Copy(Rating, ["dossier_id", *RATING_KEYS])

    def copy(self, connection):
        if self.dossiers is None:
            return
        with connection.cursor() as cursor:
            for table in (
                self.dossiers,
                self.events,
                self.supplements,
                self.apologies,
                self.ratings,
            ):
                table.copy(cursor)
        connection.commit()


TEXT_TYPES = {"CharField", "TextField", "EmailField", "SlugField"}


def _quoted(columns):
    return ", ".join(f'"{column}"' for column in columns)


def _finish(url, sequences):
    """The desks' daily sequences at their last number, the id sequence after the last
    dossier, and fresh planner statistics."""
    import psycopg2

    from dossiers.models import DailySequence, Dossier

    connection = psycopg2.connect(url)
    with connection, connection.cursor() as cursor:
        rows = _Copy(DailySequence, ["unit_id", "day", "last"])
        for (unit, day), last in sequences.items():
            rows.add([unit, day, last])
        rows.copy(cursor)
        table = Dossier._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
        )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
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
