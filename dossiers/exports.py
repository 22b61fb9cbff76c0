"""The logbook (form 07) as files with the same rows as its page: CSV streamed line by line
and XLSX written in openpyxl's write-only mode, so a year of a busy desk never sits in
memory as objects. Both are written by ``core.spreadsheets``, which neutralises the
applicants' own text (names filed online) and writes times as the local wall-clock time."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_chunks, xlsx_bytes

from .printing import LOGBOOK_HEADINGS, logbook_rows

CHUNK_SIZE = 2000
# Widths (in characters) of the logbook's columns, in LOGBOOK_HEADINGS order.
XLSX_WIDTHS = (6, 22, 48, 26, 14, 17, 17, 17, 17, 24, 12)


def logbook_csv_response(rows, name):
    """``rows`` (a logbook queryset) as a streamed UTF-8 CSV download."""
    # The lines are produced after the view returns; keep the request's language for them.
    language = translation.get_language()

    def chunks():
        with translation.override(language):
            yield from csv_chunks(
                LOGBOOK_HEADINGS, logbook_rows(rows.iterator(chunk_size=CHUNK_SIZE))
            )

    response = StreamingHttpResponse(chunks(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.csv")
    return response


def logbook_xlsx_response(rows, name):
    """``rows`` (a logbook queryset) as an XLSX download with real date cells."""
    content = xlsx_bytes(
        _("Dossier logbook"),
        LOGBOOK_HEADINGS,
        logbook_rows(rows.iterator(chunk_size=CHUNK_SIZE)),
        widths=XLSX_WIDTHS,
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
    return response
