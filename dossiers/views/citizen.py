"""The citizen's pages: the account, online filing, "my dossiers", the dossier page with the
answers a citizen gives there, the public lookup and the attachment download. Every read
starts from ``Dossier.objects.visible_to``; every write calls a service."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import IntegrityError
from django.forms.forms import NON_FIELD_ERRORS
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, register_converter, reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.roles import Role
from procedures.models import Channel, Procedure
from procedures.templatetags.catalogue import time_limit_words
from procedures.views import paginate

from .. import selectors, services
from ..forms import (
    FilingForm,
    LoginForm,
    LookupForm,
    PasswordResetForm,
    RatingForm,
    SignupForm,
    SupplementForm,
    WithdrawalForm,
    applicant_initial,
    receiving_units,
)
from ..models import Attachment, Dossier, Rating
from ..serializers import mask_name
from ..workflow import ACTION_LABELS, Action, available_actions
from .files import attachment_response

MY_DOSSIERS_PAGE_SIZE = 20
# Per client address on the pages that answer strangers, when the API's rates are unset.
DEFAULT_PAGE_RATES = {"lookup": "20/min", "auth": "10/min"}
RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class DossierCodeConverter:
    """`{unit code}-{yymmdd}-{NNNN}`: the shape keeps /dossiers/<code>/ from swallowing
    other pages' paths such as /dossiers/mine/."""

    regex = r"[\w.-]+-\d{6}-\d{4,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DossierCodeConverter, "dossier_code")


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _is_citizen(user):
    return user.has_role(Role.CITIZEN)


# --- the account ----------------------------------------------------------------------


def signup(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request, reverse("dossiers:mine")))
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save()
        except IntegrityError:  # the same phone signed up a moment earlier
            form.add_error("phone", form.duplicate_phone)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(_safe_next(request, reverse("dossiers:mine")))
    next_url = _safe_next(request, "")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        if not getattr(self.request, "axes_locked_out", False):
            return super().form_invalid(form)
        form.errors.pop(NON_FIELD_ERRORS, None)
        form.add_error(None, lockout_message())
        # django-axes would swap this page for its bare lockout text; the form already says
        # why, and the backend keeps refusing the account until the cool-off ends.
        self.request.axes_locked_out = False
        context = self.get_context_data(form=form, locked_out=True)
        return self.render_to_response(context, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """A citizen asks for a link to choose a new password, sent to their account's
    e-mail; attempts per client address are limited like logins ("auth" rate)."""

    form_class = PasswordResetForm
    template_name = "registration/password_reset.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("dossiers:password-reset-sent")

    def post(self, request, *args, **kwargs):
        if page_throttled(request, "auth"):
            context = self.get_context_data(form=self.get_form(), throttled=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    @property
    def extra_email_context(self):
        return {"site_name": settings.ONESTOP_SITE_NAME}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("dossiers:password-reset-complete")


def lockout_message():
    minutes = round(float(settings.AXES_COOLOFF_TIME or 0) * 60)
    return _(
        "Too many failed logins. Logging in to this account from this device is locked "
        "for %(minutes)s minutes; try again later, or ask the desk for help."
    ) % {"minutes": minutes}


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
            dossier = services.file_online(
                request.user, form.intake(), form.cleaned_data["receiving_unit"]
            )
        except services.TransitionError as error:
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


def timeline(dossier):
    """[(event, label)] in order; the page decides how much of each event to show."""
    return [
        (event, ACTION_LABELS.get(event.action, event.action))
        for event in selectors.dossier_timeline(dossier)
    ]


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
        "attachments": dossier.attachments.select_related("document"),
        "open_supplement": dossier.supplements.filter(fulfilled_at__isnull=True).last(),
        "apologies": dossier.apologies.all(),
        "rating": rating,
        "forms": answer_forms,
        "desk_url": reverse("dossiers:desk-dossier", args=[dossier.code])
        if request.user.is_staff
        else "",
    }
    return render(request, "dossiers/citizen/dossier.html", context, status=status)


@login_required
def dossier_page(request, code):
    return _render_dossier(request, _visible_dossier(request.user, code))


def _answer(request, code, action, perform, done):
    """Validate the answer's form and hand it to its service; on any objection the dossier
    page comes back with the form, its errors and what was typed."""
    dossier = _visible_dossier(request.user, code)
    form = ANSWER_FORMS[action](request.POST, request.FILES)
    if form.is_valid():
        try:
            perform(dossier, form)
        except services.TransitionError as error:
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
        services.supplement(dossier, request.user, note=data["note"], uploads=form.uploads())

    done = _("Thank you. The supplements were sent to the desk.")
    return _answer(request, code, Action.SUPPLEMENT, perform, done)


@require_POST
@login_required
def withdraw(request, code):
    def perform(dossier, form):
        services.request_withdrawal(dossier, request.user, form.cleaned_data["reason"])

    done = _("Your withdrawal request was sent; the desk will confirm it.")
    return _answer(request, code, Action.REQUEST_WITHDRAWAL, perform, done)


@require_POST
@login_required
def rate(request, code):
    def perform(dossier, form):
        data = form.cleaned_data
        services.rate(dossier, request.user, data["level"], data["comment"].strip())

    done = _("Thank you for rating the service.")
    return _answer(request, code, Action.RATE, perform, done)


# --- the public lookup ----------------------------------------------------------------


def page_rate(scope):
    """(attempts, seconds) allowed per client address on a page, from the API's rate of
    the same scope ("20/min"), so a page and its API share one setting."""
    rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    text = rates.get(scope) or DEFAULT_PAGE_RATES[scope]
    try:
        count, period = text.split("/")
        return int(count), RATE_PERIODS[period.strip()[0]]
    except (ValueError, KeyError, IndexError):
        count, period = DEFAULT_PAGE_RATES[scope].split("/")
        return int(count), RATE_PERIODS[period[0]]


def page_throttled(request, scope):
    """Count this attempt against the client address; True once over the limit."""
    limit, window = page_rate(scope)
    key = f"{scope}-page:{request.META.get('REMOTE_ADDR', '')}:{int(time.time()) // window}"
    cache.add(key, 0, timeout=window)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=window)
        attempts = 1
    return attempts > limit


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
        .only("file", "original_name", "content_type")
        .first()
    )
    if item is None:
        raise Http404(_("No such file."))
    return attachment_response(item)


urlpatterns = [
    path("accounts/signup/", signup, name="signup"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", PasswordResetView.as_view(), name="password-reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_sent.html"
        ),
        name="password-reset-sent",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("dossiers/file/<path:code>/", file_online, name="file"),
    path("dossiers/mine/", my_dossiers, name="mine"),
    path("dossiers/<dossier_code:code>/", dossier_page, name="dossier"),
    path("dossiers/<dossier_code:code>/filed/", filed, name="filed"),
    path("dossiers/<dossier_code:code>/supplement/", supplement, name="dossier-supplement"),
    path("dossiers/<dossier_code:code>/withdraw/", withdraw, name="dossier-withdraw"),
    path("dossiers/<dossier_code:code>/rate/", rate, name="dossier-rate"),
    path("lookup/", lookup, name="lookup"),
    path("attachments/<int:pk>/", attachment, name="attachment"),
]
