"""Writing generated dossiers with PostgreSQL's COPY, for loads far bigger than bulk_create
suits (the benchmark's million dossiers): rows buffered as CSV per table and streamed over
a raw psycopg2 connection. The caller gives out the dossier ids. The returns for rework
are left out: they point to steps, which COPY writes without ids (the steps keep their
rework counts)."""

import csv
import io
from datetime import timedelta

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

from .bulk import left_out_defaults
from .insides import COMPONENT_KEYS, STEP_KEYS
from .life import APOLOGY_KEYS, RATING_KEYS, SUPPLEMENT_KEYS

MICROSECOND = timedelta(microseconds=1)
TEXT_TYPES = {"CharField", "TextField", "EmailField", "SlugField"}


class CopyTable:
    """Rows of one table as CSV for COPY. csv (in C) does the quoting; PostgreSQL reads an
    unquoted empty value as NULL, except in the text columns (never NULL here), which
    FORCE_NOT_NULL keeps as empty strings."""

    def __init__(self, model, names):
        fields = {field.attname: field for field in model._meta.concrete_fields}
        left_out, self.defaults = left_out_defaults(model, names)
        names = [*names, *left_out]
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
        values += self.defaults
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


class CopyTables:
    """The COPY buffers of generated dossiers, each given its id by the caller. Column
    orders come from the generator's dicts, which fill the same keys in the same order for
    every dossier."""

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
        for row in dossier.components:
            self.components.add([pk, *row.values()])
        for row in dossier.steps:
            self.steps.add([pk, *row.values()])

    def _start(self, sample):
        self.dossiers = CopyTable(Dossier, ["id", *sample.fields])
        self.events = CopyTable(DossierEvent, ["dossier_id", *sample.events[0]])
        self.supplements = CopyTable(SupplementRequest, ["dossier_id", *SUPPLEMENT_KEYS])
        self.apologies = CopyTable(Apology, ["dossier_id", *APOLOGY_KEYS])
        self.ratings = CopyTable(Rating, ["dossier_id", *RATING_KEYS])
        self.components = CopyTable(DossierComponent, ["dossier_id", *COMPONENT_KEYS])
        self.steps = CopyTable(DossierStep, ["dossier_id", *STEP_KEYS])

    def copy(self, connection):
        """Send the buffered rows over a psycopg2 connection and commit."""
        if self.dossiers is None:
            return
        with connection.cursor() as cursor:
            for table in (
                self.dossiers,
                self.events,
                self.supplements,
                self.apologies,
                self.ratings,
                self.components,
                self.steps,
            ):
                table.copy(cursor)
        connection.commit()


def copy_sequences(cursor, sequences):
    """Each desk's daily sequence at the last number the generator gave out."""
    rows = CopyTable(DailySequence, ["unit_id", "day", "last"])
    for (unit, day), last in sequences.items():
        rows.add([unit, day, last])
    rows.copy(cursor)


def _quoted(columns):
    return ", ".join(f'"{column}"' for column in columns)
