"""The inspection pages: the published inspections (and, for index officers and leaders,
those not yet published), one inspection, and the index officer's form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.models import Unit
from procedures.views import paginate

from ..forms import InspectionFilterForm, InspectionForm, show_refusal
from ..models import Inspection
from ..services.access import Refused, can_manage
from ..services.inspections import save_inspection

INSPECTIONS_PAGE_SIZE = 25


@require_GET
def inspections(request):
    """Published inspections (and, for index officers and leaders, those not yet
    published), filtered by unit and year."""
    visible = Inspection.objects.visible_to(request.user)
    units = Unit.objects.filter(pk__in=visible.values("unit_id")).order_by("code")
    years = [day.year for day in visible.dates("date", "year", order="DESC")]
    form = InspectionFilterForm(request.GET or None, units, years)
    found = form.apply(visible).select_related("unit").order_by("-date", "-pk")
    page, page_notice = paginate(request, found, INSPECTIONS_PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "page_notice": page_notice,
        "can_manage": can_manage(request.user),
    }
    return render(request, "reform_index/index/inspections.html", context)


@require_GET
def inspection(request, pk):
    found = get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    context = {"inspection": found, "can_manage": can_manage(request.user)}
    return render(request, "reform_index/index/inspection.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def inspection_form(request, pk=None):
    """Record an inspection (``pk`` None) or change one: index officers only."""
    if not can_manage(request.user):
        raise PermissionDenied(_("Only reform index officers can record inspections."))
    instance = get_object_or_404(Inspection, pk=pk) if pk else None
    form = InspectionForm(request.POST or None, instance=instance)
    loose = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_inspection(request.user, form.values(), inspection=instance)
        except Refused as refusal:
            loose = show_refusal(refusal, [], [form])
        else:
            messages.success(request, _("The inspection has been saved."))
            return redirect("reform_index:inspection", pk=saved.pk)
    invalid = request.method == "POST"
    context = {"form": form, "inspection": instance, "loose_errors": loose}
    return render(
        request, "reform_index/index/inspection_form.html", context, status=400 if invalid else 200
    )
