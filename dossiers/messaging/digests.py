"""What the leaders' daily digest and monthly report contain."""

from datetime import date, timedelta

from django.utils import timezone

from ..models import Dossier
from ..reporting import counting
from ..reporting.access import report_units
from ..reporting.files import XLSX_MIME, report_xlsx
from ..reporting.on_time import on_time_report
from ..signals import more_report_files


def daily_digest_context(user, now=None):
    now = now or timezone.now()
    yesterday = timezone.localdate(now) - timedelta(days=1)
    scoped = Dossier.objects.visible_to(user)
    overdue = scoped.overdue(now).select_related("handling_unit", "handler", "procedure")
    return {
        "day": yesterday,
        "received": counting.received(yesterday, yesterday, scoped).count(),
        "resolved": counting.finished(yesterday, yesterday, scoped).count(),
        "overdue_count": overdue.count(),
        "overdue_list": list(overdue.order_by("due_at")[:20]),
    }


def monthly_report_attachments(user, month_key):
    """The month's on-time report, and the files the apps above add (``signals``)."""
    first = date.fromisoformat(f"{month_key}-01")
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    rows = on_time_report(first, last, group_by="unit", units=report_units(user))
    content = report_xlsx(rows, f"{month_key}")
    on_time = (f"bao-cao-dung-han-{month_key}.xlsx", content, XLSX_MIME)
    return [on_time, *more_report_files(user, first, last)]
