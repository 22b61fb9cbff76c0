"""The logbook (form 07) as files with the same rows as its page: CSV streamed line by line
and XLSX written in openpyxl's write-only mode, so a year of a busy desk never sits in
memory as objects."""

import csv
from datetime import datetime
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .printing import LOGBOOK_HEADINGS, logbook_rows

CHUNK_SIZE = 2000
CSV_TIME_FORMAT = "%d/%m/%Y %H:%M"
XLSX_TIME_FORMAT = "dd/mm/yyyy hh:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Widths (in characters) of the logbook's columns, in LOGBOOK_HEADINGS order.
XLSX_WIDTHS = (6, 22, 48, 26, 14, 17, 17, 17, 17, 24, 12)


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer."""

    def write(self, value):
        return value


def logbook_csv_response(rows, name):
    """``rows`` (a logbook queryset) as a streamed UTF-8 CSV download."""
    writer = csv.writer(_Echo())
    # The lines are produced after the view returns; keep the request's language for them.
    language = translation.get_language()

    def lines():
        with translation.override(language):
            # The byte-order mark makes Excel read the file as UTF-8, not as a code page.
            yield "\ufeff" + writer.writerow([str(heading) for heading in LOGBOOK_HEADINGS])
            for row in logbook_rows(rows.iterator(chunk_size=CHUNK_SIZE)):
                yield writer.writerow([_csv_value(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.csv")
    return response


def _csv_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime(CSV_TIME_FORMAT)
    return "" if value is None else value


def logbook_xlsx_response(rows, name):
    """``rows`` (a logbook queryset) as an XLSX download with real date cells."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Dossier logbook")[:31])
    for index, width in enumerate(XLSX_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, str(heading), font=bold) for heading in LOGBOOK_HEADINGS])
    for row in logbook_rows(rows.iterator(chunk_size=CHUNK_SIZE)):
        sheet.append([_xlsx_value(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
    return response


def _cell(sheet, value, font=None):
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    return cell


def _xlsx_value(sheet, value):
    if isinstance(value, datetime):
        # Excel has no time zones: write the local wall-clock time the desk reads.
        cell = _cell(sheet, timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = XLSX_TIME_FORMAT
        return cell
    return value
