"""Writing generated dossiers with the ORM's bulk_create, in batches, on any database:
the dossiers of a batch first (their ids come back), then the rows that point to them.
The components (five or so a dossier, no dates) go in as plain parameter rows over the
model's own columns: bulk_create prepares every value through its field, which on SQLite
took longer than all the other rows together."""

from time import perf_counter

from django.db import connection

from dossiers.models import (
    Apology,
    DailySequence,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStep,
    Rating,
    SupplementRequest,
)

from .insides import COMPONENT_KEYS

BATCH_SIZE = 2_000
PROGRESS_EVERY = 5_000


def write_dossiers(generated, out, count, started):
    """Insert the `count` dossiers that `generated` yields, reporting progress to `out`."""
    batch = []
    for done, dossier in enumerate(generated, start=1):
        batch.append(dossier)
        if len(batch) == BATCH_SIZE:
            _insert(batch)
            batch = []
        if done % PROGRESS_EVERY == 0:
            out(f"    {done:,}/{count:,} dossiers ({perf_counter() - started:.1f} s)")
    _insert(batch)


def _insert(generated):
    dossiers = Dossier.objects.bulk_create(Dossier(**item.fields) for item in generated)
    events, supplements, apologies, ratings, components, steps = [], [], [], [], [], []
    for dossier, item in zip(dossiers, generated, strict=True):
        events += [DossierEvent(dossier=dossier, **event) for event in item.events]
        components += [(dossier.pk, *row.values()) for row in item.components]
        steps += [DossierStep(dossier=dossier, **row) for row in item.steps]
        supplements += [SupplementRequest(dossier=dossier, **row) for row in item.supplements]
        if item.apology:
            apologies.append(Apology(dossier=dossier, **item.apology))
        if item.rating:
            ratings.append(Rating(dossier=dossier, **item.rating))
    DossierEvent.objects.bulk_create(events, batch_size=BATCH_SIZE * 2)
    SupplementRequest.objects.bulk_create(supplements)
    Apology.objects.bulk_create(apologies)
    Rating.objects.bulk_create(ratings)
    _insert_plain(DossierComponent, ["dossier_id", *COMPONENT_KEYS], components)
    DossierStep.objects.bulk_create(steps, batch_size=BATCH_SIZE * 2)


def _insert_plain(model, names, rows):
    """Insert value tuples in the order of the attribute `names` into `model`'s table."""
    if not rows:
        return
    fields = {field.attname: field for field in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields[name].column) for name in names)
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def write_sequences(sequences):
    """Each desk's numbering continues after the generated dossiers: the next real intake
    of a day takes the number after the last generated one's."""
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
