"""Writing generated dossiers in batches, on any database: the dossiers of a batch first
with the ORM's bulk_create (their ids come back), then the rows that point to them. The
many rows (events, components, steps: a dozen a dossier) go in as plain multi-row
INSERTs over the model's own columns: bulk_create builds a model and prepares every
value through its field, which took longer than all the rest of the seed together."""

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
    StepRework,
    SupplementRequest,
)

from .insides import COMPONENT_KEYS, STEP_KEYS

BATCH_SIZE = 2_000
# The column types whose values the database adapter cannot take as Python gives them
# on every database (SQLite stores times as UTC text and decimals as text).
PREPARED_TYPES = {"DateTimeField", "DecimalField", "DurationField"}
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
    supplements, apologies, ratings = [], [], []
    events, components, steps = [], [], []
    for dossier, item in zip(dossiers, generated, strict=True):
        events += [(dossier.pk, *event.values()) for event in item.events]
        components += [(dossier.pk, *row.values()) for row in item.components]
        steps += [(dossier.pk, *row.values()) for row in item.steps]
        supplements += [SupplementRequest(dossier=dossier, **row) for row in item.supplements]
        if item.apology:
            apologies.append(Apology(dossier=dossier, **item.apology))
        if item.rating:
            ratings.append(Rating(dossier=dossier, **item.rating))
    SupplementRequest.objects.bulk_create(supplements)
    Apology.objects.bulk_create(apologies)
    Rating.objects.bulk_create(ratings)
    if events:  # every generated event has the keys of Life.step, in its order
        _insert_plain(DossierEvent, ["dossier_id", *generated[0].events[0]], events)
    _insert_plain(DossierComponent, ["dossier_id", *COMPONENT_KEYS], components)
    _insert_plain(DossierStep, ["dossier_id", *STEP_KEYS], steps)
    _insert_reworks(dossiers, generated)


def _insert_reworks(dossiers, generated):
    """The returns for rework, linked to the steps just written: one query for the ids of
    the steps of the dossiers sent back."""
    sent_back = [(d.pk, item) for d, item in zip(dossiers, generated, strict=True) if item.reworks]
    if not sent_back:
        return
    steps = DossierStep.objects.filter(dossier_id__in=[pk for pk, _item in sent_back])
    by_order = {
        (dossier, order): pk
        for pk, dossier, order in steps.values_list("pk", "dossier_id", "order")
    }
    StepRework.objects.bulk_create(
        StepRework(
            step_id=by_order[pk, row["step_order"]],
            returned_from_id=by_order[pk, row["returned_from_order"]],
            returned_by_id=row["returned_by_id"],
            at=row["at"],
            reason=row["reason"],
        )
        for pk, item in sent_back
        for row in item.reworks
    )


def _insert_plain(model, names, rows):
    """Insert value tuples in the order of the attribute `names` into `model`'s table, many
    rows a statement; times and decimals prepared as the ORM would for this database."""
    if not rows:
        return
    left_out, defaults = left_out_defaults(model, names)
    fields = {field.attname: field for field in model._meta.concrete_fields}
    names = [*names, *left_out]
    prepared = [
        (i, fields[name])
        for i, name in enumerate(names)
        if fields[name].get_internal_type() in PREPARED_TYPES
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields[name].column) for name in names)
    per_statement = (connection.features.max_query_params or 10_000) // len(names)
    marks = f"({', '.join(['%s'] * len(names))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            values = []
            for row in rows[start : start + per_statement]:
                row = [*row, *defaults]
                for i, field in prepared:
                    row[i] = field.get_db_prep_save(row[i], connection)
                values += row
            count = len(values) // len(names)
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
                f"VALUES {', '.join([marks] * count)}",
                values,
            )


def left_out_defaults(model, names):
    """([attribute], [value]) of the columns of `model` the rows leave out: they take the
    model's defaults, as with the ORM (the database holds no defaults)."""
    left_out = [
        field.attname
        for field in model._meta.concrete_fields
        if field.attname not in names and not field.primary_key and not field.null
    ]
    fields = {field.attname: field for field in model._meta.concrete_fields}
    return left_out, [fields[name].get_default() for name in left_out]


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
