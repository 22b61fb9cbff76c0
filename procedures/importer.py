"""Files of national procedure records: a JSON array (CATALOGUE_FORMAT.md) or its flat CSV,
read into records for ``services.importing.import_records`` and written back from the catalogue."""

import csv
import io
import json
from pathlib import Path

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from core.spreadsheets import csv_text, restore_row

from .models import Procedure, RequiredDocument
from .records.csv_rows import CSV_COLUMNS, procedure_row, record_from_row
from .records.writing import procedure_record

FORMATS = ("json", "csv")
REQUIRED_CSV_COLUMNS = ("MATTHC", "TENTTHC")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why."""


def file_format(path, requested=None):
    """The format asked for, else the one the file name ends with (JSON by default)."""
    if requested:
        return requested
    return "csv" if str(path).lower().endswith(".csv") else "json"


def read_records(path, requested_format=None):
    """The records of a file, as national-format dicts."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ImportFileError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
        ) from None
    return parse_records(raw, file_format(path, requested_format))


def parse_records(raw, file_format):
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text.")) from None
    return _json_records(text) if file_format == "json" else _csv_records(text)


def _json_records(text):
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            _("The file is not valid JSON: %(error)s (line %(line)s, column %(column)s).")
            % {"error": error.msg, "line": error.lineno, "column": error.colno}
        ) from None
    if not isinstance(records, list):
        raise ImportFileError(_("The file must hold a JSON array of procedure records."))
    return records


def _csv_records(text):
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [column.strip() for column in reader.fieldnames or []]
        missing = [column for column in REQUIRED_CSV_COLUMNS if column not in header]
        if missing:
            raise ImportFileError(
                _("The CSV file lacks the columns %(columns)s.") % {"columns": ", ".join(missing)}
            )
        reader.fieldnames = header
        # Undo the apostrophe the export put before formula-like text (core.spreadsheets).
        return [record_from_row(restore_row(row)) for row in reader]
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file is malformed at line %(line)s: %(error)s.")
            % {"line": reader.line_num, "error": error}
        ) from None


def export_queryset():
    documents = RequiredDocument.objects.order_by("order", "pk")
    return (
        Procedure.objects.select_related("field")
        .prefetch_related(Prefetch("documents", queryset=documents))
        .order_by("code")
    )


def write_records(procedures, stream, file_format):
    """Write procedures to a text stream; returns how many."""
    procedures = list(procedures)
    if file_format == "json":
        records = [procedure_record(p, p.documents.all()) for p in procedures]
        json.dump(records, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    else:
        stream.write(csv_text(CSV_COLUMNS, (procedure_row(p) for p in procedures)))
    return len(procedures)
