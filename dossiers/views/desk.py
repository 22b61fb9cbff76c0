"""The desk screens: where the Django admin is clumsy for daily counter work — the online
queue, counter intake, due-soon and overdue lists, and one screen per dossier with a small
form per action. Every read starts from ``visible_to``; every write calls a service."""

from datetime import timedelta
from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.roles import STAFF_ROLES
from procedures.views import paginate

from .. import selectors
from ..forms.desk import DeskListForm, IntakeForm, procedure_label
from ..forms.desk_actions import ACTION_FORMS, QUEUE_ACTIONS
from ..models import Exemption, ReadKind, Status
from ..privacy.reads import reason_of, record_read
from ..services.results import ISSUING_STATUSES, may_issue_result
from ..signals import panels_for
from ..words import remaining_words
from ..workflow import available_actions, refusal_reason
from .files import attachment_response

PAGE_SIZE = 25
# Served by the printing views; linked by path so the desk works whichever lands first.
PRINT_PATH = "/print/{code}/{form}/"
RECEIPT_PDF_PATH = "/print/{code}/receipt.pdf"


def is_desk_staff(user):
    return user.is_superuser or user.has_role(*STAFF_ROLES)


def desk_staff_required(view):
    """Anonymous users go to the login page; citizens and role-less accounts get 403."""

    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        if not is_desk_staff(request.user):
            raise PermissionDenied(_("The desk screens are for one-stop staff."))
        return view(request, *args, **kwargs)

    return guarded


# --- home and lists -------------------------------------------------------------------


@desk_staff_required
def home(request):
    code = request.GET.get("code", "").strip()
    if code:
        dossier = selectors.desk_dossier(request.user, code)
        if dossier is not None:
            return redirect("dossiers:desk-dossier", code=dossier.code)
        messages.error(
            request, _("No dossier with the code “%(code)s” in your scope.") % {"code": code}
        )
    context = {"counts": selectors.desk_counts(request.user), "code": code}
    return render(request, "dossiers/desk/home.html", context)


@desk_staff_required
def queue(request):
    page, page_notice = paginate(request, selectors.online_queue(request.user), PAGE_SIZE)
    rows = [(dossier, _row_forms(dossier, request.user)) for dossier in page]
    context = {"page": page, "page_notice": page_notice, "rows": rows}
    return render(request, "dossiers/desk/queue.html", context)


def _row_forms(dossier, user):
    allowed = set(available_actions(dossier, user))
    return [
        ACTION_FORMS[action](dossier, auto_id=f"id_{dossier.pk}_%s")
        for action in QUEUE_ACTIONS
        if action in allowed
    ]


DUE_LISTS = {
    "due-soon": (
        selectors.due_soon,
        gettext_lazy("Due soon"),
        gettext_lazy(
            "Dossiers whose clock runs and whose due time is less than %(hours)s "
            "working hours away."
        ),
    ),
    "overdue": (
        selectors.overdue,
        gettext_lazy("Overdue"),
        gettext_lazy("Dossiers whose clock runs and whose due time has passed."),
    ),
}


def _due_list(request, name):
    select, title, intro = DUE_LISTS[name]
    form = DeskListForm(selectors.scope_units(request.user), request.GET or None)
    page, page_notice = paginate(request, form.apply(select(request.user)), PAGE_SIZE)
    context = {
        "list_name": name,
        "title": title,
        "intro": intro % {"hours": settings.ONESTOP_DUE_SOON_HOURS},
        "form": form,
        "page": page,
        "page_notice": page_notice,
    }
    return render(request, "dossiers/desk/due_list.html", context)


@desk_staff_required
def due_soon(request):
    return _due_list(request, "due-soon")


@desk_staff_required
def overdue(request):
    return _due_list(request, "overdue")


# --- work lists: the internal steps -------------------------------------------------------

WORK_LISTS = (
    ("mine", selectors.assigned_to_me, gettext_lazy("Assigned to me")),
    ("unit", selectors.my_unit_steps, gettext_lazy("My unit's steps")),
    ("approval", selectors.awaiting_my_approval, gettext_lazy("Waiting for my approval")),
    ("due", selectors.steps_due_soon, gettext_lazy("Steps due soon or overdue")),
)
WORK_LIST_ROWS = 50


def _step_row(step):
    paused = step.dossier.paused_at is not None
    words = remaining_words(step.left, paused=paused) if step.left is not None else ""
    late = step.left is not None and step.left < timedelta(0)
    return {"step": step, "dossier": step.dossier, "left": words, "late": late}


def _work_page(request, name, items):
    """The list's page: the one asked for when ``?list=`` names this list, else the first,
    so paging one list leaves the others where they start."""
    if request.GET.get("list") == name:
        return paginate(request, items, WORK_LIST_ROWS)
    return Paginator(items, WORK_LIST_ROWS).page(1), ""


@desk_staff_required
def work_lists(request):
    """The specialist's and the unit leader's lists of steps, and the dossiers at risk."""
    now = timezone.now()
    lists = []
    for name, select, title in WORK_LISTS:
        page, notice = _work_page(request, name, select(request.user))
        rows = [_step_row(step) for step in selectors.with_time_left(page.object_list, now)]
        lists.append({"name": name, "title": title, "page": page, "notice": notice, "rows": rows})
    risky, risky_notice = _work_page(request, "at-risk", selectors.at_risk(request.user, now))
    context = {"lists": lists, "at_risk": risky, "at_risk_notice": risky_notice}
    return render(request, "dossiers/desk/work_lists.html", context)


# --- counter intake -------------------------------------------------------------------


@desk_staff_required
def intake(request):
    form = IntakeForm(request.POST or None, request.FILES or None, owner=request.user)
    if request.method == "POST":
        dossier = form.submit(request.user) if form.is_valid() else None
        if dossier is not None:
            form.release_kept_uploads()
            messages.success(
                request,
                _("Dossier %(code)s received. Print the receipt for the applicant.")
                % {"code": dossier.code},
            )
            return redirect("dossiers:desk-dossier", code=dossier.code)
        form.keep_uploads()
    options = [procedure_label(*item) for item in selectors.intake_procedure_options()]
    return render(request, "dossiers/desk/intake.html", {"form": form, "options": options})


# --- one dossier ----------------------------------------------------------------------


def scoped_dossier(request, code):
    """The dossier of ``code`` in the desk user's scope; 404 otherwise."""
    dossier = selectors.desk_dossier(request.user, code)
    if dossier is None:
        raise Http404(_("No dossier with this code in your scope."))
    return dossier


@desk_staff_required
def dossier_page(request, code):
    dossier = scoped_dossier(request, code)
    record_read(request.user, dossier, ReadKind.PAGE, reason=reason_of(request))
    return _render_dossier(request, dossier)


@require_POST
@desk_staff_required
def dossier_action(request, code, action):
    dossier = scoped_dossier(request, code)
    try:
        form_class = ACTION_FORMS[action]
    except KeyError:
        raise Http404(_("There is no such action.")) from None
    reason = refusal_reason(form_class.action, dossier, request.user)
    if reason:
        # A stale page (someone else acted first) or a hand-made request.
        messages.error(request, reason)
        return redirect("dossiers:desk-dossier", code=dossier.code)
    form = form_class(dossier, request.POST, request.FILES)
    updated = form.submit(request.user) if form.is_valid() else None
    if updated is None:
        return _render_dossier(request, dossier, bound=form)
    messages.success(request, form.success_message(updated))
    return redirect(_next_url(request) or reverse("dossiers:desk-dossier", args=[updated.code]))


def _next_url(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _render_dossier(request, dossier, bound=None):
    forms = [
        bound if bound and bound.action == action else ACTION_FORMS[action](dossier)
        for action in available_actions(dossier, request.user)
        if action in ACTION_FORMS
    ]
    supplements = list(dossier.supplements.all())
    apologies = list(dossier.apologies.all())
    components = selectors.dossier_components(dossier)
    context = {
        "dossier": dossier,
        "events": selectors.dossier_timeline(dossier),
        "attachments": dossier.attachments.select_related("document", "electronic_result"),
        "supplements": supplements,
        "apologies": apologies,
        "action_forms": forms,
        "steps": [_step_row(step) for step in selectors.dossier_steps(dossier)],
        "components": components,
        "left_to_scan": sum(component.left for component in components),
        "exemptions": Exemption.choices,
        "print_links": print_links(dossier, bool(supplements), bool(apologies)),
        "receipt_pdf": RECEIPT_PDF_PATH.format(code=quote(dossier.code)),
        "panels": panels_for(dossier, request.user, "desk"),
        "may_issue_result": dossier.status in ISSUING_STATUSES
        and may_issue_result(request.user, dossier),
    }
    return render(request, "dossiers/desk/dossier.html", context)


def print_links(dossier, has_supplements, has_apologies):
    """(slug, label, url) of the forms that exist for this dossier (DESIGN §3.6)."""
    wanted = [
        ("receipt", _("Receipt and appointment slip"), dossier.received_at is not None),
        ("supplement", _("Supplement request"), has_supplements),
        ("refusal", _("Refusal"), dossier.status == Status.REFUSED),
        ("apology", _("Apology and new appointment"), has_apologies),
        ("stop", _("Stop notice"), dossier.status == Status.STOPPED),
        ("tracking", _("Tracking slip"), dossier.received_at is not None),
    ]
    code = quote(dossier.code)
    return [
        (slug, label, PRINT_PATH.format(code=code, form=slug))
        for slug, label, show in wanted
        if show
    ]


@desk_staff_required
def attachment(request, code, pk):
    """A dossier's file, for staff who may see the dossier."""
    dossier = scoped_dossier(request, code)
    return attachment_response(request, get_object_or_404(dossier.attachments, pk=pk))


urlpatterns = [
    path("desk/", home, name="desk-home"),
    path("desk/queue/", queue, name="desk-queue"),
    path("desk/intake/", intake, name="desk-intake"),
    path("desk/due-soon/", due_soon, name="desk-due-soon"),
    path("desk/overdue/", overdue, name="desk-overdue"),
    path("desk/work/", work_lists, name="desk-work"),
    path("desk/dossiers/<str:code>/", dossier_page, name="desk-dossier"),
    path("desk/dossiers/<str:code>/files/<int:pk>/", attachment, name="desk-attachment"),
    path("desk/dossiers/<str:code>/<slug:action>/", dossier_action, name="desk-action"),
]
