"""Public pages of the catalogue and the desk's touchscreen kiosk."""

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.qr import qr_svg

from . import selectors
from .forms import CatalogueFilterForm, SearchForm
from .models import Field

CATALOGUE_PAGE_SIZE = 20
KIOSK_PAGE_SIZE = 8
# Search ignores accents, so plain letters are all the on-screen keyboard needs.
KIOSK_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
# Served by the dossiers app; linked by path because procedures may not import it.
ONLINE_FILING_PATH = "/dossiers/file/{code}/"


def paginate(request, items, per_page):
    """(page, notice): the requested page, or the nearest real one with a notice saying
    why, so a mistyped or stale page number never ends in an error page."""
    paginator = Paginator(items, per_page)
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        return paginator.page(1), _("The page number is not valid; showing the first page.")
    if number < 1:
        return paginator.page(1), _("Page numbers start at 1; showing the first page.")
    if number > paginator.num_pages:
        notice = _("There is no page %(number)s; showing the last page.")
        return paginator.page(paginator.num_pages), notice % {"number": number}
    return paginator.page(number), ""


def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    filters = form.filters()
    page, page_notice = paginate(request, selectors.catalogue(**filters), CATALOGUE_PAGE_SIZE)
    # Counts per field answer "how many would I get in that field", so they ignore the
    # field filter itself.
    other_filters = {name: value for name, value in filters.items() if name != "field"}
    context = {
        "form": form,
        "page": page,
        "page_notice": page_notice,
        "field_counts": selectors.field_counts(selectors.catalogue(**other_filters)),
        "selected_field": filters.get("field"),
        "filtered": bool(filters),
    }
    return render(request, "procedures/catalogue.html", context)


def _procedure_context(request, code):
    procedure = selectors.procedure_page(code)
    if procedure is None:
        raise Http404(_("No published procedure has this code."))
    public_url = request.build_absolute_uri(reverse("procedures:detail", args=[procedure.code]))
    return {
        "procedure": procedure,
        "terms": selectors.procedure_terms(procedure),
        "document_groups": selectors.documents_by_case(procedure),
        "public_url": public_url,
        "qr": qr_svg(public_url, title=_("QR code of this procedure's page")),
    }


def procedure_detail(request, code):
    context = _procedure_context(request, code)
    procedure = context["procedure"]
    context["step_groups"] = selectors.steps_by_case(procedure)
    if procedure.is_online:
        context["online_filing_url"] = ONLINE_FILING_PATH.format(code=quote(procedure.code))
    return render(request, "procedures/detail.html", context)


def form_download(request, code, document_id):
    """A form template of a required document, served as a download from here so its link
    works wherever the uploaded files are stored."""
    document = selectors.published_form(code, document_id)
    if document is None:
        raise Http404(_("This form does not exist."))
    try:
        form_file = document.form_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("This form does not exist.")) from missing
    return FileResponse(form_file, as_attachment=True, filename=Path(form_file.name).name)


def _render_kiosk(request, template, context):
    context["idle_seconds"] = getattr(settings, "ONESTOP_KIOSK_IDLE_SECONDS", 90)
    return render(request, f"procedures/kiosk/{template}", context)


def kiosk_home(request):
    form = SearchForm(request.GET or None)
    context = {
        "form": form,
        "fields": selectors.published_field_counts(),
        "keyboard_rows": KIOSK_KEYBOARD_ROWS,
    }
    query = form.filters().get("q")
    if query:
        context["query"] = query
        context["page"], context["page_notice"] = paginate(
            request, selectors.catalogue(q=query), KIOSK_PAGE_SIZE
        )
    return _render_kiosk(request, "home.html", context)


def kiosk_field(request, code):
    field = get_object_or_404(Field, code=code)
    page, page_notice = paginate(request, selectors.catalogue(field=field), KIOSK_PAGE_SIZE)
    context = {"field": field, "page": page, "page_notice": page_notice}
    return _render_kiosk(request, "field.html", context)


def kiosk_procedure(request, code):
    return _render_kiosk(request, "procedure.html", _procedure_context(request, code))
