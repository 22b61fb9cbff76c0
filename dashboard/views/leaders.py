"""The leaders' dashboard (``/dashboard/``) and its data (``/dashboard/data.json``). Thin:
the figures come from ``dashboard.selectors``, their JSON from ``dashboard.payload``."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from dossiers.reporting.access import can_read_reports

from ..forms import DashboardFilterForm
from ..payload import dashboard_payload
from ..selectors import dashboard_figures

JSON_OPTIONS = {"ensure_ascii": False}
LEADERS_ONLY = gettext_lazy("The dashboard is for leaders and reform index officers.")


def leader_required(view):
    """Anonymous users go to the login page; signed-in users who are not leaders get 403."""

    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        if not can_read_reports(request.user):
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
    return render(request, "dashboard/dashboard.html", context)


@require_GET
def dashboard_data(request):
    """The dashboard's figures as JSON; 403 for anyone else, 400 with a message per bad
    parameter."""
    if not can_read_reports(request.user):
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
