"""Writes of the catalogue that carry its rules: importing national records, freezing the
terms a dossier is received under, publishing."""

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Field, Procedure, ProcedureVersion, RequiredDocument
from .records import ProcedureData, RecordError, code_of, parse_record, plain_number
from .search import fold

BATCH_SIZE = 500
# Model fields a document row is compared and written on; its form file stays as staff
# uploaded it.
DOCUMENT_FIELDS = ["case", "name", "originals", "copies", "form_name", "form_url", "is_required"]


# -- what is cached from the catalogue --------------------------------------------------------

CATALOGUE_VERSION_KEY = "procedures:catalogue-version"
# How long an answer derived from the catalogue is kept at most: every catalogue change
# retires it at once; the limit only bounds edits made behind the application's back.
CATALOGUE_CACHE_TIMEOUT = 300  # seconds


def catalogue_version():
    """A stamp that changes whenever the catalogue does; part of every cache key derived
    from it (list counts, the unit filter, current versions), so a change retires them
    all at once."""
    version = cache.get(CATALOGUE_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(CATALOGUE_VERSION_KEY, version, timeout=None)
        version = cache.get(CATALOGUE_VERSION_KEY, version)
    return version


def derived_from_catalogue(name, compute):
    """``compute()``, remembered under ``name`` and the catalogue's stamp: kept until the
    catalogue changes (or ``CATALOGUE_CACHE_TIMEOUT`` passes)."""
    key = f"procedures:{name}:{catalogue_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CATALOGUE_CACHE_TIMEOUT)
    return value


def catalogue_changed(**_signal_kwargs):
    """Retire what was cached from the catalogue once the change is committed (a reader
    in between would otherwise cache the old state under the new stamp). Connected to
    the models' signals; bulk writes, which send none, call it themselves."""
    transaction.on_commit(lambda: cache.set(CATALOGUE_VERSION_KEY, time.time_ns(), None))


# -- versions -------------------------------------------------------------------------------


def terms_snapshot(procedure):
    """The terms a dossier is received under, as JSON: what must never change under an
    earlier dossier when the catalogue is edited."""
    snapshot = {
        "code": procedure.code,
        "name": procedure.name,
        "field": {"code": procedure.field.code, "name": procedure.field.name},
        "level": procedure.level,
        "time_limit": {
            "amount": plain_number(Decimal(procedure.time_limit_amount)),
            "unit": procedure.time_limit_unit,
            "cutoff": procedure.same_day_cutoff,
            "note": procedure.time_limit_note,
        },
        "channel_terms": procedure.channel_terms,
        "fees": {
            "amount": plain_number(Decimal(procedure.fee_amount)),
            "description": procedure.fee_description,
        },
        "documents": [
            {
                **{name: getattr(document, name) for name in DOCUMENT_FIELDS},
                "form_file": document.form_file.name or "",
            }
            for document in procedure.documents.order_by("order", "pk")
        ],
        "workflow": [
            {
                "order": step.order,
                "name": step.name,
                "unit": step.unit.code if step.unit else None,
                "role": step.role,
                "share": plain_number(Decimal(step.share)),
            }
            for step in procedure.workflow.select_related("unit").order_by("order", "pk")
        ],
        "online_level": procedure.online_level,
        "effective_date": procedure.effective_date,
    }
    # Stored JSON reads back with strings for times and dates; compare like with like.
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


def current_version(procedure):
    """The version a dossier received now is received under: the latest one if the
    procedure's present terms are still those, else a new version numbered next. Dossiers
    keep the version they got, so later edits never change what they were received under.

    Comparing the terms costs four queries, so the answer is remembered under the
    catalogue's stamp, which every catalogue change replaces."""
    # The stamp is read before the terms: an answer computed from terms older than the
    # stamp it is filed under could outlive the change that replaced them.
    stamp, remembered = _remembered_version(procedure.pk)
    if remembered is not None:
        return remembered
    present = Procedure.objects.select_related("field").get(pk=procedure.pk)
    # The everyday case needs no lock and writes nothing.
    version = _latest_if_unchanged(present) or _new_version(procedure)
    # Only a committed version may be handed to other requests.
    transaction.on_commit(
        lambda: cache.set(_version_key(procedure.pk), (stamp, version), CATALOGUE_CACHE_TIMEOUT)
    )
    return version


def _version_key(procedure_pk):
    return f"procedures:current-version:{procedure_pk}"


def _remembered_version(procedure_pk):
    """The catalogue's stamp and the version remembered under it (None if none is)."""
    key = _version_key(procedure_pk)
    found = cache.get_many([CATALOGUE_VERSION_KEY, key])
    stamp = found.get(CATALOGUE_VERSION_KEY)
    if stamp is None:
        return catalogue_version(), None
    remembered_stamp, version = found.get(key, (None, None))
    return stamp, version if remembered_stamp == stamp else None


def _latest_if_unchanged(procedure):
    latest = procedure.versions.order_by("-number").first()
    if latest is not None and latest.snapshot == terms_snapshot(procedure):
        return latest
    return None


@transaction.atomic
def _new_version(procedure):
    # The lock makes concurrent intakes of one procedure agree on a single new version. It
    # must not block the key-share locks that other intakes' inserts take on the procedure
    # row (they may hold their desk's number, which this intake waits for next).
    locked = Procedure.objects.select_for_update(no_key=True).get(pk=procedure.pk)
    found = _latest_if_unchanged(locked)
    if found is not None:
        return found  # another intake made it while this one waited for the lock
    latest = locked.versions.order_by("-number").first()
    number = latest.number + 1 if latest else 1
    return ProcedureVersion.objects.create(
        procedure=locked, number=number, snapshot=terms_snapshot(locked)
    )


# -- publishing -----------------------------------------------------------------------------


def set_published(procedures, published):
    """Publish or withdraw procedures; returns how many changed."""
    changed = (
        procedures.exclude(published=published)
        .order_by()
        .update(published=published, updated_at=timezone.now())
    )
    catalogue_changed()
    return changed


def refresh_search_text(procedures):
    """Recompute the search key of procedures, e.g. after their field was renamed."""
    changed = []
    for procedure in procedures.select_related("field"):
        text = procedure.build_search_text()
        if text != procedure.search_text:
            procedure.search_text = text
            changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["search_text"], batch_size=BATCH_SIZE)
    catalogue_changed()
    return len(changed)


# -- import ---------------------------------------------------------------------------------


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
        procedure.search_text = procedure.build_search_text()
        procedure.updated_at = now
        self.changed.append(procedure)
        self.changed_fields.update(changed, ["search_text", "updated_at"])
        if documents_changed:
            self.document_updates.append((procedure, data.documents))
        return "updated"

    def _add_new(self, data, values):
        if "field" not in values:
            raise RecordError(_("A new procedure needs its field (LINHVUCTHUCHIEN)."))
        if "level" not in values:
            raise RecordError(_("A new procedure needs its level (CAPTHUCHIEN)."))
        procedure = Procedure(code=data.code, **values)
        procedure.search_text = procedure.build_search_text()
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
