"""Why late (``/dashboard/late/``): the late dossiers of a period grouped by the unit,
step, officer or procedure that held them when their time ran out, their list, the
dossiers at risk, and the list as CSV or XLSX. Thin: the reads are
``dossiers.reporting.late``, the files ``core.spreadsheets``."""

from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_text, xlsx_bytes
from dossiers.models import ReadKind
from dossiers.privacy.reads import reason_of, record_reads
from dossiers.reporting import late

from ..forms import LateFilterForm
from .leaders import JSON_OPTIONS, leader_required

PAGE_SIZE = 25


@require_GET
@leader_required
def late_page(request):
    form = LateFilterForm(request.user, request.GET)
    context = {"form": form, "report": None}
    if form.is_valid():
        first, last = form.period
        unit, grouping = form.cleaned_data["unit"], form.cleaned_data["group"]
        now = timezone.now()
        dossiers = late.late_dossiers(request.user, first, last, unit, now)
        page = Paginator(dossiers.select_related(*late.ROW_RELATED), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        at_risk = late.at_risk(request.user, unit, now)
        context["report"] = {
            "first": first,
            "last": last,
            "unit": unit,
            "now": now,
            "grouping": dict(late.GROUPING_CHOICES)[grouping],
            "groups": late.late_groups(request.user, first, last, grouping, unit, now),
            "page": page,
            "rows": late.with_holder_names(page.object_list),
            "at_risk": list(at_risk[: late.AT_RISK_LENGTH]),
            "at_risk_count": at_risk.count(),
        }
    return render(request, "dashboard/late.html", context)


@require_GET
@leader_required
def late_file(request, kind):
    """Every late dossier of the filter as CSV or XLSX; 400 with a message per bad
    parameter."""
    form = LateFilterForm(request.user, request.GET)
    if not form.is_valid():
        return JsonResponse(form.public_errors(), status=400, json_dumps_params=JSON_OPTIONS)
    first, last = form.period
    unit, now = form.cleaned_data["unit"], timezone.now()
    header, lines = late.late_table(request.user, first, last, unit, now)
    # The list names the applicants: each line is a read of the dossier (docs/privacy.md).
    detail = format_lazy("{} ({})", gettext_lazy("Late dossiers"), kind.upper())
    dossiers = late.late_dossiers(request.user, first, last, unit, now)
    record_reads(request.user, dossiers, ReadKind.EXPORT, detail, reason_of(request))
    name = f"tre-han-{first:%Y%m%d}-{last:%Y%m%d}"
    if kind == "xlsx":
        body, content_type = xlsx_bytes(name, header, lines), XLSX_CONTENT_TYPE
    else:
        body, content_type = csv_text(header, lines).encode("utf-8"), CSV_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
