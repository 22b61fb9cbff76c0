"""The on-time report as CSV and XLSX files (downloads and the monthly e-mail)."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    columns = report_columns()
    yield [title for _key, title in columns]
    for row in rows:
        data = row.as_dict()
        yield ["" if data[key] is None else data[key] for key, _title in columns]


def report_csv(rows):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that Excel opens the Vietnamese text as UTF-8
    csv.writer(buffer).writerows(_table(rows))
    return buffer.getvalue().encode("utf-8")


def report_xlsx(rows, title):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for line in _table(rows):
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
