"""The logbook (form 07): the register of the dossiers a user may see, in reception order,
as rows for its page and as files with the same rows — CSV streamed line by line and XLSX
written in openpyxl's write-only mode, so a year of a busy desk never sits in memory as
objects. Both files are written by ``core.spreadsheets``, which neutralises the
applicants' own text (names filed online) and writes times as the local wall-clock time."""

from datetime import datetime, time, timedelta

from django.db.models import F
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_chunks, xlsx_bytes

from ..models import VERDICT_CHOICES, Dossier, Status, service_unit
from .agency import agency_of

LOGBOOK_FORM_NUMBER = "07"
VERDICT_LABELS = dict(VERDICT_CHOICES)
STATUS_LABELS = dict(Status.choices)
CHUNK_SIZE = 2000
# Widths (in characters) of the logbook's columns, in LOGBOOK_HEADINGS order.
XLSX_WIDTHS = (6, 22, 48, 26, 14, 17, 17, 17, 17, 24, 12)

LOGBOOK_FIELDS = (
    "code",
    "procedure__name",
    "applicant_name",
    "applicant_phone",
    "received_at",
    "appointment_at",
    "resolved_at",
    "returned_at",
    "status",
    "verdict",
)
LOGBOOK_HEADINGS = (
    gettext_lazy("No."),
    gettext_lazy("Dossier code"),
    gettext_lazy("Procedure"),
    gettext_lazy("Applicant"),
    gettext_lazy("Phone number"),
    gettext_lazy("Received on"),
    gettext_lazy("Appointment date"),
    gettext_lazy("Result ready on"),
    gettext_lazy("Returned on"),
    gettext_lazy("Status"),
    gettext_lazy("Outcome (early / on time / late)"),
)


def this_month(today=None):
    """The logbook's default period: the current month up to today."""
    today = today or timezone.localdate()
    return {"date_from": today.replace(day=1), "date_to": today}


def logbook_queryset(user, date_from=None, date_to=None, status="", unit=None):
    """The logbook's rows (as dicts of LOGBOOK_FIELDS) in reception order: the register
    of what the user may see, never more."""
    dossiers = Dossier.objects.visible_to(user)
    if date_from:
        dossiers = dossiers.filter(received_at__gte=_start_of(date_from))
    if date_to:
        dossiers = dossiers.filter(received_at__lt=_start_of(date_to, next_day=True))
    if status:
        dossiers = dossiers.filter(status=status)
    if unit is not None:
        dossiers = dossiers.filter(receiving_unit=unit)
    return dossiers.order_by(F("received_at").asc(nulls_last=True), "pk").values(*LOGBOOK_FIELDS)


def _start_of(day, next_day=False):
    if next_day:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.min))


def logbook_row(number, values):
    """One logbook line: the number, then the columns of LOGBOOK_HEADINGS; times stay
    aware datetimes so each format (HTML, CSV, XLSX) writes them its own way."""
    return (
        number,
        values["code"],
        values["procedure__name"],
        values["applicant_name"],
        values["applicant_phone"],
        values["received_at"],
        values["appointment_at"],
        values["resolved_at"],
        values["returned_at"],
        str(STATUS_LABELS.get(values["status"], values["status"])),
        str(VERDICT_LABELS.get(values["verdict"], "")),
    )


def logbook_rows(values, start=1):
    for number, row in enumerate(values, start):
        yield logbook_row(number, row)


def logbook_agency(user):
    unit = service_unit(user.unit)
    return agency_of(unit) if unit is not None else None


# --- the files ------------------------------------------------------------------------


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
