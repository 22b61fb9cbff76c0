"""What the leaders' daily digest and monthly report contain."""

from datetime import date, timedelta

from django.utils import timezone

from core.models import Unit

from .models import Dossier, service_unit
from .report_files import XLSX_MIME, report_xlsx
from .statistics import day_bounds, on_time_report


def daily_digest_context(user, now=None):
    now = now or timezone.now()
    yesterday = timezone.localdate(now) - timedelta(days=1)
    start, end = day_bounds(yesterday, yesterday)
    scoped = Dossier.objects.visible_to(user)
    overdue = scoped.overdue(now).select_related("handling_unit", "handler", "procedure")
    return {
        "day": yesterday,
        "received": scoped.filter(received_at__gte=start, received_at__lt=end).count(),
        "resolved": scoped.filter(resolved_at__gte=start, resolved_at__lt=end).count(),
        "overdue_count": overdue.count(),
        "overdue_list": list(overdue.order_by("due_at")[:20]),
    }


def monthly_report_attachment(user, month_key):
    first = date.fromisoformat(f"{month_key}-01")
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    units = Unit.objects.subtree(service_unit(user.unit)) if user.unit else None
    rows = on_time_report(first, last, group_by="unit", units=units)
    content = report_xlsx(rows, f"{month_key}")
    return f"bao-cao-dung-han-{month_key}.xlsx", content, XLSX_MIME
