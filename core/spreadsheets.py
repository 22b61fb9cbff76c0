"""The spreadsheet files the portal writes (CSV and XLSX), safe to open in Excel.

A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as
a formula by spreadsheet programs (CSV/formula injection), and much of what the portal
exports was typed by the public: an applicant's name filed online can be
``=HYPERLINK(…)``. Every export therefore writes its cells through ``neutralise``, which
puts an apostrophe before such text (OWASP's advice; spreadsheets read it as "this is
text"). Numbers, dates, Decimals and booleans stay typed values, so a negative amount is
still a number. The portal's own importers call ``restore_row`` to take exactly that
apostrophe back, so an export imports back unchanged.

CSV is UTF-8 with one byte-order mark at the start (without it Excel reads Vietnamese in
the local code page) and CRLF line ends (RFC 4180). Times are the local wall-clock time,
since neither format carries a time zone.
"""

import csv
import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
CSV_DATE_FORMAT = "%d/%m/%Y"
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
XLSX_DATE_FORMAT = "dd/mm/yyyy"
SHEET_TITLE_LENGTH = 31
# Values a cell keeps as its own type; anything else is written as its text.
TYPED_VALUES = (bool, int, float, Decimal, date, time, timedelta)
# Characters that XML 1.0, and so XLSX, cannot hold: openpyxl refuses the control
# characters and writes the others into a file that Excel calls corrupt.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --- cells ------------------------------------------------------------------------------------


def _marked(text):
    """Whether ``text`` must carry the mark: it begins with a trigger, or with marks
    before one, so that a value really beginning with ``'=`` keeps its own mark too."""
    return text.lstrip(TEXT_MARK)[:1] in FORMULA_TRIGGERS


def neutralise(value):
    """The value as a cell: text that a spreadsheet would run gets the apostrophe; other
    values are returned as they are."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and _marked(value):
        return TEXT_MARK + value
    return value


def restore(value):
    """The inverse of ``neutralise`` for a cell read back: the one apostrophe it added is
    taken off; any other text is left alone."""
    if isinstance(value, str) and value[:1] == TEXT_MARK and _marked(value[1:]):
        return value[1:]
    return value


def restore_row(row):
    """A row read by ``csv.DictReader`` with each cell restored."""
    return {column: restore(value) for column, value in row.items()}


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if timezone.is_aware(moment) else moment


def _cells(header, row):
    """The row's values in column order; a mapping is read by the header's names."""
    if isinstance(row, Mapping):
        return [row.get(column) for column in header]
    return row


# --- CSV --------------------------------------------------------------------------------------


class _Line:
    """A file-like object whose write() hands the line back, so csv.writer yields lines."""

    def write(self, line):
        return line


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).strftime(CSV_DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime(CSV_DATE_FORMAT)
    return value if isinstance(value, TYPED_VALUES) else neutralise(str(value))


def _csv_lines(header, rows):
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield BOM + writer.writerow([_csv_value(heading) for heading in header])
    for row in rows:
        yield writer.writerow([_csv_value(value) for value in _cells(header, row)])


def csv_chunks(header, rows):
    """The CSV file as encoded lines, for a StreamingHttpResponse: ``rows`` (sequences, or
    mappings read by the header's names) are read one at a time."""
    for line in _csv_lines(header, rows):
        yield line.encode("utf-8")


def csv_text(header, rows):
    """The whole CSV file as text (a BOM, then CRLF lines), for a text stream or
    ``.encode()``."""
    return "".join(_csv_lines(header, rows))


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx_value(value):
    if isinstance(value, datetime):
        return _local(value)
    if value is None or isinstance(value, TYPED_VALUES):
        return value
    # Stripped before neutralising: a dropped control character may uncover a trigger.
    return neutralise(_NOT_IN_XML.sub("", str(value)))


def _xlsx_cell(sheet, value, font=None):
    value = _xlsx_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Text stays text: openpyxl would read "#N/A" as an error value.
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = XLSX_DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = XLSX_DATE_FORMAT
    if font is not None:
        cell.font = font
    return cell


def xlsx_bytes(title, header, rows, widths=()):
    """An XLSX file of one sheet: a bold, frozen header row, then ``rows`` (sequences, or
    mappings read by the header's names) written in openpyxl's write-only mode, so a large
    export never sits in memory as cell objects. ``widths`` are column widths in
    characters."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:SHEET_TITLE_LENGTH])
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, heading, font=bold) for heading in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in _cells(header, row)])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
