"""The public transparency page (``/transparency/``) and its open data as CSV and JSON,
cached briefly and readable from any site. Thin: the figures come from
``dashboard.transparency``, the records from ``dashboard.open_data``."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.spreadsheets import CSV_CONTENT_TYPE, csv_text
from core.workdays import TZ

from ..open_data import OPEN_DATA_COLUMNS, open_data_rows
from ..transparency import CACHE_SECONDS, transparency

JSON_OPTIONS = {"ensure_ascii": False}

open_data = cache_control(public=True, max_age=CACHE_SECONDS)


@require_GET
def transparency_page(request):
    return render(request, "dashboard/transparency.html", {"figures": transparency()})


@require_GET
@open_data
def transparency_csv(request):
    figures = transparency()
    content = csv_text(OPEN_DATA_COLUMNS, open_data_rows(figures)).encode("utf-8")
    response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(figures, "csv")
    return _shared(response)


@require_GET
@open_data
def transparency_json(request):
    figures = transparency()
    rows = open_data_rows(figures)
    payload = {
        "year": figures.year,
        "period_start": figures.first.isoformat(),
        "period_end": figures.last.isoformat(),
        "generated_at": timezone.localtime(figures.generated_at, TZ).isoformat(),
        "units": rows[:-1],
        "total": rows[-1],
    }
    return _shared(JsonResponse(payload, json_dumps_params=JSON_OPTIONS))


def _attachment(figures, extension):
    return f'attachment; filename="minh-bach-{figures.year}.{extension}"'


def _shared(response):
    # Open data: any site may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response
