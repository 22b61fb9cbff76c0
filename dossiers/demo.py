"""A year of realistic dossiers for the demo town: 20,000 across the town's desk and its
wards and communes, with their events, supplement requests, apologies and ratings.

The rows come from `dossiers.generator` and go in with bulk_create in batches, inside one
transaction, so a failed run leaves nothing behind. Idempotent: when the database already
holds dossiers, nothing is added.
"""

from time import perf_counter, process_time

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.selectors import build_working_calendar

from . import statistics
from .generator import DossierGenerator, world_from_database
from .models import Apology, DailySequence, Dossier, DossierEvent, Rating, SupplementRequest

DEMO_DOSSIERS = 20_000
DEMO_SEED = 4526
BATCH_SIZE = 2_000
PROGRESS_EVERY = 5_000


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
        _write(generator.generate(count), out, count, started)
        _write_sequences(generator.sequences)
        # auto_now_add stamped the insert time; lists are ordered by filing time.
        Dossier.objects.update(created_at=F("submitted_at"))
    _report(out, generator.tally, perf_counter() - started, process_time() - cpu_started)
    # What the nightly job would have stored over the year, so reports read it at once.
    rolling = perf_counter()
    rows = statistics.nightly_roll_up()
    out(f"    statistics rolled up: {rows:,} daily rows in {perf_counter() - rolling:.1f} s")


def _write(dossiers, out, count, started):
    batch = []
    for done, dossier in enumerate(dossiers, start=1):
        batch.append(dossier)
        if len(batch) == BATCH_SIZE:
            _insert(batch)
            batch = []
        if done % PROGRESS_EVERY == 0:
            out(f"    {done:,}/{count:,} dossiers ({perf_counter() - started:.1f} s)")
    _insert(batch)


def _insert(generated):
    """One batch: the dossiers first (their ids come back), then the rows that point to them."""
    dossiers = Dossier.objects.bulk_create(Dossier(**item.fields) for item in generated)
    events, supplements, apologies, ratings = [], [], [], []
    for dossier, item in zip(dossiers, generated, strict=True):
        events += [DossierEvent(dossier=dossier, **event) for event in item.events]
        supplements += [SupplementRequest(dossier=dossier, **row) for row in item.supplements]
        if item.apology:
            apologies.append(Apology(dossier=dossier, **item.apology))
        if item.rating:
            ratings.append(Rating(dossier=dossier, **item.rating))
    DossierEvent.objects.bulk_create(events, batch_size=BATCH_SIZE * 2)
    SupplementRequest.objects.bulk_create(supplements)
    Apology.objects.bulk_create(apologies)
    Rating.objects.bulk_create(ratings)


def _write_sequences(sequences):
    """Each desk's numbering continues after the demo: the next real intake of a day takes
    the number after the last demo dossier's."""
    DailySequence.objects.bulk_create(
        [
            DailySequence(unit_id=unit, day=day, last=last)
            for (unit, day), last in sequences.items()
        ],
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["unit", "day"],
        update_fields=["last"],
    )


def _report(out, tally, seconds, cpu_seconds):
    online = 100 * tally.channels["online"] / max(tally.total, 1)
    town, wards = tally.on_time_rate(True), tally.on_time_rate(False)
    rates = f"town {_percent(town)}, wards {_percent(wards)}"
    out(
        f"  dossiers: {tally.total:,} with {tally.events:,} events in {seconds:.1f} s "
        f"({cpu_seconds:.1f} s of CPU in this process; online {online:.1f} %, on time: {rates})"
    )
    out("    " + ", ".join(f"{status} {n:,}" for status, n in tally.statuses.most_common()))


def _percent(rate):
    return "-" if rate is None else f"{rate:.1f} %"
