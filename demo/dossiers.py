"""A year of realistic dossiers for the demo town: 20,000 across the town's desk and its
wards and communes, with their events, supplement requests, apologies and ratings.

The rows come from `demo.generator` and go in with bulk_create in batches, inside one
transaction, so a failed run leaves nothing behind. Idempotent: when the database already
holds dossiers, nothing is added.
"""

from time import perf_counter, process_time

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.selectors import build_working_calendar
from dossiers.models import Dossier
from dossiers.reporting.rollup import nightly_roll_up

from .generator.bulk import write_dossiers, write_sequences
from .generator.filings import DossierGenerator
from .generator.from_database import world_from_database

DEMO_DOSSIERS = 20_000
DEMO_SEED = 4526


def seed(out, count=DEMO_DOSSIERS, now=None):
    existing = Dossier.objects.count()
    if existing:
        out(f"  dossiers: {existing:,} already in the database, demo dossiers not added")
        return
    calendar = build_working_calendar()
    world = world_from_database(calendar, seed=DEMO_SEED)
    if world is None:
        out("  dossiers: no demo town or no published procedure, demo dossiers not added")
        return
    started, cpu_started = perf_counter(), process_time()
    generator = DossierGenerator(world, now or timezone.now(), seed=DEMO_SEED)
    with transaction.atomic():
        write_dossiers(generator.generate(count), out, count, started)
        write_sequences(generator.sequences)
        # auto_now_add stamped the insert time; lists are ordered by filing time.
        Dossier.objects.update(created_at=F("submitted_at"))
    _report(out, generator.tally, perf_counter() - started, process_time() - cpu_started)
    # What the nightly job would have stored over the year, so reports read it at once.
    rolling = perf_counter()
    rows = nightly_roll_up()
    out(f"    statistics rolled up: {rows:,} daily rows in {perf_counter() - rolling:.1f} s")


def _report(out, tally, seconds, cpu_seconds):
    online = 100 * tally.channels["online"] / max(tally.total, 1)
    town, wards = tally.on_time_rate(True), tally.on_time_rate(False)
    rates = f"town {_percent(town)}, wards {_percent(wards)}"
    out(
        f"  dossiers: {tally.total:,} with {tally.events:,} events in {seconds:.1f} s "
        f"({cpu_seconds:.1f} s of CPU in this process; online {online:.1f} %, on time: {rates})"
    )
    out("    " + ", ".join(f"{status} {n:,}" for status, n in tally.statuses.most_common()))
    out(f"    internal steps: {tally.steps:,}, {tally.reworks:,} returned for rework")


def _percent(rate):
    return "-" if rate is None else f"{rate:.1f} %"
