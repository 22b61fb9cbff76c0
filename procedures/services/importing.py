"""Importing national procedure records: upserted by code in a few bulk statements, all
or nothing by default, with a report of what was created, updated, unchanged or refused."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..catalogue_cache import catalogue_changed
from ..models import Field, Procedure, RequiredDocument
from ..records.parsing import code_of, parse_record
from ..records.reading import ProcedureData, RecordError
from ..search import fold
from .versions import DOCUMENT_FIELDS

BATCH_SIZE = 500


@dataclass(frozen=True)
class RecordNote:
    """A rejection or warning about one record: its 1-based position, code and reason."""

    position: int
    code: str
    message: str

    def __str__(self):
        label = _("record %(position)s") % {"position": self.position}
        if self.code:
            label = f"{label} ({self.code})"
        return f"{label}: {self.message}"


@dataclass
class ImportReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    written: bool = False

    @property
    def total(self):
        return len(self.created) + len(self.updated) + len(self.unchanged) + len(self.rejected)

    def summary(self):
        return _(
            "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(rejected)s rejected"
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "rejected": len(self.rejected),
        }


ProgressCallback = Callable[[int, int], None]


def import_records(
    records: Iterable,
    *,
    atomic: bool = True,
    progress: ProgressCallback | None = None,
    every: int = 100,
) -> ImportReport:
    """Upsert national procedure records by code (MATTHC).

    All or nothing by default: when any record is rejected, nothing is written and the
    report says which and why. With ``atomic=False`` the good records are kept. A record
    equal to what the catalogue holds writes nothing, not even ``updated_at``, so
    importing the same file twice changes nothing. ``progress(done, total)`` is called
    every ``every`` records.
    """
    records = list(records)
    report = ImportReport()
    parsed = _parse_all(records, report, progress, every)
    with transaction.atomic():
        plan = _Plan.build(parsed, report)
        if report.rejected and atomic:
            report.created, report.updated, report.unchanged = [], [], []
            return report
        plan.write()
        catalogue_changed()
    report.written = True
    return report


def _parse_all(records, report, progress, every):
    parsed, seen = [], {}
    total = len(records)
    for position, raw in enumerate(records, start=1):
        try:
            data = parse_record(raw)
            if data.code in seen:
                raise RecordError(
                    _("The code is repeated: record %(position)s has it too.")
                    % {"position": seen[data.code]}
                )
        except RecordError as error:
            report.rejected.append(RecordNote(position, code_of(raw), str(error)))
        else:
            seen[data.code] = position
            parsed.append((position, data))
            report.warnings += [RecordNote(position, data.code, w) for w in data.warnings]
        if progress and (position % every == 0 or position == total):
            progress(position, total)
    return parsed


class _Plan:
    """The writes an import makes, gathered so that they run as a few bulk statements."""

    def __init__(self, existing, documents, fields):
        self.existing = existing  # code -> Procedure
        self.documents = documents  # procedure id -> [RequiredDocument]
        self.fields = fields  # folded name -> Field (created on write if new)
        self.new = []
        self.changed = []
        self.changed_fields = set()
        self.document_updates = []  # (procedure, [document values])

    @classmethod
    def build(cls, parsed, report):
        codes = [data.code for _position, data in parsed]
        existing = {
            p.code: p for p in Procedure.objects.filter(code__in=codes).select_related("field")
        }
        documents = {}
        for document in RequiredDocument.objects.filter(procedure__in=existing.values()).order_by(
            "order", "pk"
        ):
            documents.setdefault(document.procedure_id, []).append(document)
        plan = cls(existing, documents, {fold(f.name): f for f in Field.objects.all()})
        now = timezone.now()
        for position, data in parsed:
            try:
                outcome = plan.add(data, now)
            except RecordError as error:
                report.rejected.append(RecordNote(position, data.code, str(error)))
            else:
                getattr(report, outcome).append(data.code)
        return plan

    def add(self, data: ProcedureData, now):
        values = dict(data.values)
        if data.field:
            values["field"] = self._field(data.field)
        procedure = self.existing.get(data.code)
        if procedure is None:
            self._add_new(data, values)
            return "created"
        changed = [name for name, value in values.items() if _differs(procedure, name, value)]
        documents_changed = data.documents is not None and _document_rows(
            self.documents.get(procedure.pk, [])
        ) != _document_rows(data.documents)
        if not changed and not documents_changed:
            return "unchanged"
        for name in changed:
            setattr(procedure, name, values[name])
        procedure.fill_search_columns()
        procedure.updated_at = now
        self.changed.append(procedure)
        self.changed_fields.update(changed, ["search_text", "search_name", "updated_at"])
        if documents_changed:
            self.document_updates.append((procedure, data.documents))
        return "updated"

    def _add_new(self, data, values):
        if "field" not in values:
            raise RecordError(_("A new procedure needs its field (LINHVUCTHUCHIEN)."))
        if "level" not in values:
            raise RecordError(_("A new procedure needs its level (CAPTHUCHIEN)."))
        # A new record listing no channel states no time limit either.
        values.setdefault("time_limit_stated", False)
        procedure = Procedure(code=data.code, **values)
        procedure.fill_search_columns()
        self.new.append(procedure)
        if data.documents:
            self.document_updates.append((procedure, data.documents))

    def _field(self, ref):
        key = fold(ref.name)
        if key not in self.fields:
            self.fields[key] = Field(name=ref.name, code=ref.code)
        return self.fields[key]

    def write(self):
        self._create_fields()
        Procedure.objects.bulk_create(self.new, batch_size=BATCH_SIZE)
        if self.changed:
            Procedure.objects.bulk_update(
                self.changed, sorted(self.changed_fields), batch_size=BATCH_SIZE
            )
        self._write_documents()

    def _create_fields(self):
        new = [f for f in self.fields.values() if f.pk is None]
        if not new:
            return
        taken = set(Field.objects.values_list("code", flat=True))
        order = max((f.order for f in self.fields.values() if f.pk), default=0)
        for offset, new_field in enumerate(new, start=1):
            new_field.code = _free_code(new_field.code, taken)
            new_field.order = order + offset
            taken.add(new_field.code)
        Field.objects.bulk_create(new)

    def _write_documents(self):
        """Replace each changed procedure's documents, keeping the rows (and uploaded form
        files, and dossiers' links to them) of documents that are still listed."""
        create, update, delete = [], [], []
        for procedure, wanted in self.document_updates:
            pool = {}
            for document in self.documents.get(procedure.pk, []):
                pool.setdefault((document.case, document.name), []).append(document)
            for values in wanted:
                matches = pool.get((values["case"], values["name"]))
                if matches:
                    document = matches.pop(0)
                    for name, value in values.items():
                        setattr(document, name, value)
                    update.append(document)
                else:
                    create.append(RequiredDocument(procedure=procedure, **values))
            delete += [document.pk for rest in pool.values() for document in rest]
        RequiredDocument.objects.filter(pk__in=delete).delete()
        RequiredDocument.objects.bulk_update(
            update, [*DOCUMENT_FIELDS, "order"], batch_size=BATCH_SIZE
        )
        RequiredDocument.objects.bulk_create(create, batch_size=BATCH_SIZE)


def _differs(procedure, name, value):
    if name == "field":
        return procedure.field_id != value.pk or value.pk is None
    return getattr(procedure, name) != value


def _document_rows(documents):
    def row(document):
        get = document.get if isinstance(document, dict) else document.__dict__.get
        return tuple(get(name) for name in [*DOCUMENT_FIELDS, "order"])

    return [row(document) for document in documents]


def _free_code(code, taken):
    candidate, number = code, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate, number = code[: 40 - len(suffix)] + suffix, number + 1
    return candidate
