"""The citizen's pages: online filing, "my dossiers", the dossier page with the
answers a citizen gives there, the public lookup and the attachment download. Every read
starts from ``Dossier.objects.visible_to``; every write calls a service."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, register_converter, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.roles import Role
from core.throttles import page_throttled
from procedures.models import Channel, Procedure
from procedures.views import paginate
from procedures.words import time_limit_words

from ..forms.citizen import (
    FilingForm,
    LookupForm,
    RatingForm,
    SupplementForm,
    WithdrawalForm,
    applicant_initial,
)
from ..models import Attachment, Dossier, Rating, ReadKind
from ..privacy.export import personal_archive
from ..privacy.reads import reads_of, reason_of, record_read
from ..public_trail import public_trail
from ..services import intake, transitions
from ..services.errors import TransitionError
from ..services.intake import receiving_units
from ..signals import panels_for
from ..words import action_label, mask_name
from ..workflow import Action, available_actions
from .files import attachment_response

MY_DOSSIERS_PAGE_SIZE = 20
# The latest reads shown on the dossier page; all of them are in the data download.
READS_SHOWN = 20
ZIP_TYPE = "application/zip"


class DossierCodeConverter:
    """`{unit code}-{yymmdd}-{NNNN}`: the shape keeps /dossiers/<code>/ from swallowing
    other pages' paths such as /dossiers/mine/."""

    regex = r"[\w.-]+-\d{6}-\d{4,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DossierCodeConverter, "dossier_code")


def _is_citizen(user):
    return user.has_role(Role.CITIZEN)


# --- online filing --------------------------------------------------------------------


def _filing_procedure(code):
    # PostgreSQL refuses NUL in a query; such a code cannot exist anyway.
    procedure = "\x00" not in code and (
        Procedure.objects.published()
        .select_related("field")
        .prefetch_related("documents", "handling_units__parent")
        .filter(code=code)
        .first()
    )
    if not procedure:
        raise Http404(_("No published procedure has this code."))
    return procedure


@login_required
def file_online(request, code):
    procedure = _filing_procedure(code)
    context = {"procedure": procedure}
    if not procedure.is_online:
        return render(request, "dossiers/citizen/not_online.html", context)
    if not _is_citizen(request.user):
        return render(request, "dossiers/citizen/citizens_only.html", context, status=403)
    units = receiving_units(procedure)
    if not units:
        context["no_office"] = True
        return render(request, "dossiers/citizen/not_online.html", context)
    posted = request.method == "POST"
    form = FilingForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        procedure=procedure,
        units=units,
        owner=request.user,
        initial=applicant_initial(request.user),
    )
    if posted and form.is_valid():
        try:
            dossier = intake.file_online(
                request.user, form.intake(), form.cleaned_data["receiving_unit"]
            )
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            form.release_kept_uploads()
            return redirect("dossiers:filed", code=dossier.code)
    if posted:
        form.keep_uploads()
    context.update(
        form=form,
        time_limit=time_limit_words(*procedure.terms_for(Channel.ONLINE)),
        upload_limit=settings.ONESTOP_UPLOAD_MAX_BYTES,
    )
    return render(request, "dossiers/citizen/file.html", context)


def _visible_dossier(user, code):
    dossier = (
        Dossier.objects.visible_to(user)
        .select_related("procedure", "receiving_unit", "handling_unit")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise Http404(_("No dossier with this code is visible to you."))
    return dossier


@login_required
def filed(request, code):
    dossier = _visible_dossier(request.user, code)
    lookup_url = f"{reverse('dossiers:lookup')}?{urlencode({'code': dossier.code})}"
    return render(
        request, "dossiers/citizen/filed.html", {"dossier": dossier, "lookup_url": lookup_url}
    )


# --- my dossiers and the dossier page -------------------------------------------------


@login_required
def my_dossiers(request):
    dossiers = (
        Dossier.objects.visible_to(request.user)
        .select_related("procedure", "receiving_unit")
        .order_by("-created_at", "-pk")
    )
    page, page_notice = paginate(request, dossiers, MY_DOSSIERS_PAGE_SIZE)
    return render(request, "dossiers/citizen/mine.html", {"page": page, "page_notice": page_notice})


@login_required
def my_data(request):
    """All the signed-in user's data as one ZIP (docs/privacy.md)."""
    archive, name = personal_archive(request.user)
    response = FileResponse(archive, as_attachment=True, filename=name, content_type=ZIP_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


def timeline(dossier):
    """[(event, label)] of what the applicant may see (``public_trail``), in order."""
    return [(event, action_label(event.action)) for event in public_trail(dossier)]


# The citizen's answers on the dossier page, by the workflow action that allows them.
ANSWER_FORMS = {
    Action.SUPPLEMENT: SupplementForm,
    Action.REQUEST_WITHDRAWAL: WithdrawalForm,
    Action.RATE: RatingForm,
}


def _render_dossier(request, dossier, bound=None, status=200):
    """The dossier page; ``bound`` is {action: form} of an answer that failed, shown with
    its errors even if the action is no longer available."""
    bound = bound or {}
    allowed = set(available_actions(dossier, request.user))
    rating = Rating.objects.filter(dossier=dossier).first()
    if rating is not None:
        allowed.discard(Action.RATE)
    answer_forms = {
        str(action).replace("-", "_"): bound.get(action) or form_class()
        for action, form_class in ANSWER_FORMS.items()
        if action in allowed or action in bound
    }
    context = {
        "dossier": dossier,
        "events": timeline(dossier),
        "attachments": dossier.attachments.select_related("document", "electronic_result"),
        "open_supplement": dossier.supplements.filter(fulfilled_at__isnull=True).last(),
        "apologies": dossier.apologies.all(),
        "rating": rating,
        "forms": answer_forms,
        "panels": panels_for(dossier, request.user, "citizen"),
        "desk_url": reverse("dossiers:desk-dossier", args=[dossier.code])
        if request.user.is_staff
        else "",
        **_reads_context(request.user, dossier),
    }
    return render(request, "dossiers/citizen/dossier.html", context, status=status)


def _reads_context(user, dossier):
    """Who looked at the dossier: on the applicant's own page only, newest first."""
    if dossier.applicant_user_id != user.pk:
        return {}
    reads = reads_of(dossier)
    return {"reads": list(reads[:READS_SHOWN]), "reads_count": reads.count()}


@login_required
def dossier_page(request, code):
    dossier = _visible_dossier(request.user, code)
    # Staff may open the applicant's page too; the applicant's own visits are not logged.
    record_read(request.user, dossier, ReadKind.PAGE, reason=reason_of(request))
    return _render_dossier(request, dossier)


def _answer(request, code, action, perform, done):
    """Validate the answer's form and hand it to its service; on any objection the dossier
    page comes back with the form, its errors and what was typed."""
    dossier = _visible_dossier(request.user, code)
    form = ANSWER_FORMS[action](request.POST, request.FILES)
    if form.is_valid():
        try:
            perform(dossier, form)
        except TransitionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, done)
            return redirect("dossiers:dossier", code=dossier.code)
    return _render_dossier(request, dossier, bound={action: form})


@require_POST
@login_required
def supplement(request, code):
    def perform(dossier, form):
        data = form.cleaned_data
        transitions.supplement(dossier, request.user, note=data["note"], uploads=form.uploads())

    done = _("Thank you. The supplements were sent to the desk.")
    return _answer(request, code, Action.SUPPLEMENT, perform, done)


@require_POST
@login_required
def withdraw(request, code):
    def perform(dossier, form):
        transitions.request_withdrawal(dossier, request.user, form.cleaned_data["reason"])

    done = _("Your withdrawal request was sent; the desk will confirm it.")
    return _answer(request, code, Action.REQUEST_WITHDRAWAL, perform, done)


@require_POST
@login_required
def rate(request, code):
    def perform(dossier, form):
        data = form.cleaned_data
        transitions.rate(dossier, request.user, data["level"], data["comment"].strip())

    done = _("Thank you for rating the service.")
    return _answer(request, code, Action.RATE, perform, done)


# --- the public lookup ----------------------------------------------------------------


def lookup(request):
    data = request.POST if request.method == "POST" else request.GET
    submitted = "phone" in data
    form = LookupForm(data if submitted else None, initial={"code": data.get("code", "")})
    context = {"form": form}
    if submitted and page_throttled(request, "lookup"):
        context["throttled"] = True
        return render(request, "dossiers/citizen/lookup.html", context, status=429)
    if submitted and form.is_valid():
        dossier = form.dossier
        context.update(
            dossier=dossier,
            applicant=mask_name(dossier.applicant_name),
            events=timeline(dossier),
        )
    return render(request, "dossiers/citizen/lookup.html", context)


# --- attachments ----------------------------------------------------------------------


def attachment(request, pk):
    """A dossier's file, for whoever may see the dossier; 404 for everyone else, so the
    address tells nothing. Uploads are never served statically."""
    item = (
        Attachment.objects.filter(pk=pk, dossier__in=Dossier.objects.visible_to(request.user))
        .select_related("dossier")
        .only("file", "original_name", "content_type", "dossier__applicant_user")
        .first()
    )
    if item is None:
        raise Http404(_("No such file."))
    return attachment_response(request, item)


urlpatterns = [
    path("dossiers/file/<path:code>/", file_online, name="file"),
    path("dossiers/mine/", my_dossiers, name="mine"),
    path("dossiers/mine/data/", my_data, name="my-data"),
    path("dossiers/<dossier_code:code>/", dossier_page, name="dossier"),
    path("dossiers/<dossier_code:code>/filed/", filed, name="filed"),
    path("dossiers/<dossier_code:code>/supplement/", supplement, name="dossier-supplement"),
    path("dossiers/<dossier_code:code>/withdraw/", withdraw, name="dossier-withdraw"),
    path("dossiers/<dossier_code:code>/rate/", rate, name="dossier-rate"),
    path("lookup/", lookup, name="lookup"),
    path("attachments/<int:pk>/", attachment, name="attachment"),
]
