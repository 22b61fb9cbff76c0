"""Printing: the official forms of one dossier (HTML and PDF) and the unit's logbook (HTML,
CSV, XLSX). Every page starts from what the user may see (``Dossier.objects.visible_to``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures.views import paginate

from ..forms.desk import LogbookFilterForm
from ..models import ReadKind
from ..printing import official_forms
from ..printing.logbook import (
    LOGBOOK_FORM_NUMBER,
    LOGBOOK_HEADINGS,
    logbook_agency,
    logbook_csv_response,
    logbook_queryset,
    logbook_rows,
    logbook_xlsx_response,
    this_month,
)
from ..printing.pdf import render_pdf
from ..privacy.reads import reason_of, record_read, record_reads

LOGBOOK_PAGE_SIZE = 50


def _printable(request, code, form_slug, pdf=False):
    """(form, context) of a printable form, its printing logged as a read; raises
    FormNotApplicable when the dossier has no such form (yet)."""
    form = official_forms.FORMS.get(form_slug)
    if form is None:
        raise Http404(_("There is no such form."))
    dossier = get_object_or_404(official_forms.printable_dossiers(request.user), code=code)
    context = official_forms.form_context(form, dossier, request)
    detail = format_lazy("{} (PDF)", form.title) if pdf else form.title
    record_read(request.user, dossier, ReadKind.PRINT, detail, reason_of(request))
    return form, context


def _not_applicable(request, code, form_slug, error):
    context = {"form": official_forms.FORMS[form_slug], "code": code, "message": error.message}
    return render(request, "dossiers/print/not_applicable.html", context, status=404)


@login_required
def form_page(request, code, form):
    try:
        official_form, context = _printable(request, code, form)
    except official_forms.FormNotApplicable as error:
        return _not_applicable(request, code, form, error)
    return render(request, official_form.template, context)


@login_required
def form_pdf(request, code, form):
    try:
        official_form, context = _printable(request, code, form, pdf=True)
    except official_forms.FormNotApplicable as error:
        return _not_applicable(request, code, form, error)
    response = HttpResponse(
        render_pdf(official_form.template, context, request),
        content_type="application/pdf",
    )
    filename = f"{official_form.slug}-{code}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


# --- the logbook ----------------------------------------------------------------------


def _staff_only(request):
    if not (request.user.is_staff or request.user.is_superuser):
        raise PermissionDenied(_("Only staff can open the logbook."))


def _logbook_filters(request):
    """(form, filters): the filter form and, when it is valid, its values. Until a filter
    is sent (a page number alone is none) the logbook shows the current month."""
    fields = LogbookFilterForm.base_fields
    if not any(name in request.GET for name in fields):
        default = this_month()
        form = LogbookFilterForm(user=request.user, initial=default)
        return form, {**default, "status": "", "unit": None}
    form = LogbookFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    return form, form.cleaned_data


@login_required
def logbook(request):
    _staff_only(request)
    form, filters = _logbook_filters(request)
    context = {
        "filter_form": form,
        "form_number": LOGBOOK_FORM_NUMBER,
        "headings": LOGBOOK_HEADINGS,
        "agency": logbook_agency(request.user),
        "printed_at": timezone.now(),
        "query": request.GET.urlencode(),
    }
    if filters is not None:
        rows = logbook_queryset(request.user, **_queryset_filters(filters))
        page, notice = paginate(request, rows, LOGBOOK_PAGE_SIZE)
        context.update(
            page=page,
            page_notice=notice,
            rows=list(logbook_rows(page.object_list, start=page.start_index())),
            filters=filters,
        )
    return render(request, "dossiers/print/logbook.html", context)


def _queryset_filters(cleaned):
    return {name: cleaned.get(name) for name in ("date_from", "date_to", "status", "unit")}


def _export(request, write, file_kind):
    _staff_only(request)
    form, filters = _logbook_filters(request)
    if filters is None:
        return JsonResponse(form.errors.get_json_data(), status=400)
    rows = logbook_queryset(request.user, **_queryset_filters(filters))
    # Logged before the first line is written: a file is never sent unlogged.
    detail = format_lazy("{} ({})", gettext_lazy("Dossier logbook"), file_kind)
    record_reads(request.user, rows, ReadKind.EXPORT, detail, reason_of(request))
    return write(rows, _export_name(filters))


def _export_name(filters):
    start, end = filters.get("date_from"), filters.get("date_to")
    period = "-".join(f"{day:%Y%m%d}" for day in (start, end) if day) or "all"
    return f"so-theo-doi-ho-so-{period}"


@login_required
def logbook_csv(request):
    return _export(request, logbook_csv_response, "CSV")


@login_required
def logbook_xlsx(request):
    return _export(request, logbook_xlsx_response, "XLSX")


urlpatterns = [
    path("print/<str:code>/<slug:form>/", form_page, name="print-form"),
    path("print/<str:code>/<slug:form>.pdf", form_pdf, name="print-pdf"),
    path("desk/logbook/", logbook, name="logbook"),
    path("desk/logbook.csv", logbook_csv, name="logbook-csv"),
    path("desk/logbook.xlsx", logbook_xlsx, name="logbook-xlsx"),
]
