"""The leaders' dashboard (``/dashboard/``) and the public transparency page
(``/transparency/``) with its open data. Thin: the figures come from ``dashboard`` and
``transparency``."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.spreadsheets import CSV_CONTENT_TYPE, csv_text
from core.workdays import TZ

from .dashboard import can_see_dashboard, dashboard_figures, dashboard_payload
from .forms_dashboard import DashboardFilterForm
from .transparency import CACHE_SECONDS, OPEN_DATA_COLUMNS, open_data_rows, transparency

JSON_OPTIONS = {"ensure_ascii": False}
LEADERS_ONLY = gettext_lazy("The dashboard is for leaders and reform index officers.")


def leader_required(view):
    """Anonymous users go to the login page; signed-in users who are not leaders get 403."""

    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        if not can_see_dashboard(request.user):
            raise PermissionDenied(LEADERS_ONLY)
        return view(request, *args, **kwargs)

    return guarded


@require_GET
@leader_required
def dashboard(request):
    form = DashboardFilterForm(request.user, request.GET)
    context = {"form": form, "figures": None, "chart_data": None}
    if form.is_valid():
        figures = _figures(request, form)
        context.update(figures=figures, chart_data=dashboard_payload(figures))
    return render(request, "reform_index/dashboard/dashboard.html", context)


@require_GET
def dashboard_data(request):
    """The dashboard's figures as JSON; 403 for anyone else, 400 with a message per bad
    parameter."""
    if not can_see_dashboard(request.user):
        detail = str(LEADERS_ONLY)
        return JsonResponse({"detail": detail}, status=403, json_dumps_params=JSON_OPTIONS)
    form = DashboardFilterForm(request.user, request.GET)
    if not form.is_valid():
        return JsonResponse(form.public_errors(), status=400, json_dumps_params=JSON_OPTIONS)
    payload = dashboard_payload(_figures(request, form))
    return JsonResponse(payload, json_dumps_params=JSON_OPTIONS)


def _figures(request, form):
    first, last = form.period
    return dashboard_figures(request.user, first, last, form.cleaned_data["unit"])


# --- public -----------------------------------------------------------------------------------

open_data = cache_control(public=True, max_age=CACHE_SECONDS)


@require_GET
def transparency_page(request):
    return render(
        request, "reform_index/transparency/transparency.html", {"figures": transparency()}
    )


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
