"""The on-time report as CSV and XLSX files (downloads and the monthly e-mail), written by
``core.spreadsheets`` so unit, field and procedure names can never run as formulas."""

from django.utils.translation import gettext as _

from core.spreadsheets import XLSX_CONTENT_TYPE, csv_text, xlsx_bytes

# The name the report's callers know the XLSX content type by.
XLSX_MIME = XLSX_CONTENT_TYPE


def report_columns():
    return [
        ("code", _("Code")),
        ("name", _("Name")),
        ("received", _("Received")),
        ("received_online", _("Received online")),
        ("finished", _("Finished")),
        ("early", _("Early")),
        ("on_time", _("On time")),
        ("late", _("Late")),
        ("late_with_apology", _("Late with apology")),
        ("in_progress", _("In progress")),
        ("overdue", _("Overdue")),
        ("on_time_rate", _("On-time rate (%)")),
        ("progress_rate", _("Progress rate (%)")),
        ("online_share", _("Online share (%)")),
        ("rated", _("Rated")),
        ("satisfaction_rate", _("Satisfaction (%)")),
    ]


def _table(rows):
    """(header, lines): the column titles and each row's values in their order."""
    columns = report_columns()
    header = [title for _key, title in columns]
    keys = [key for key, _title in columns]
    return header, (_values(row.as_dict(), keys) for row in rows)


def _values(data, keys):
    return [data[key] for key in keys]


def report_csv(rows):
    return csv_text(*_table(rows)).encode("utf-8")


def report_xlsx(rows, title):
    return xlsx_bytes(title, *_table(rows))
