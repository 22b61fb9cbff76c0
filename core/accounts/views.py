"""The account pages: sign-up (signup.py), log-in with its lockout page, log-out and
password reset. Strangers use them, so none tells whether an account exists, and the
attempts per client address are limited (core/throttles.py). Where a citizen lands once
signed up (``citizen_home``, a URL name) is given by urls.account_urls."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.forms.forms import NON_FIELD_ERRORS
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.throttles import page_throttled

from . import signup as signup_flow
from .forms import LoginForm, PasswordResetForm, SignupCodeForm, SignupForm


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def signup(request, citizen_home):
    """The form, then the same answer for every number (signup.py): a text message is on
    its way. Sign-ups per client address are limited ("signup" rate)."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request, resolve_url(citizen_home)))
    form = SignupForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "next": _safe_next(request, "")}
    if request.method == "POST" and form.is_valid():
        if page_throttled(request, "signup"):
            context["throttled"] = True
            return render(request, "registration/signup.html", context, status=429)
        signup_flow.start(request.session, form.new_account(), context["next"])
        return redirect("accounts:signup-confirm")
    return render(request, "registration/signup.html", context)


def signup_confirm(request, citizen_home):
    """Typing back the code creates the account and logs in."""
    if request.user.is_authenticated:
        return redirect(citizen_home)
    held = signup_flow.pending(request.session)
    if held is None and request.method != "POST":
        return redirect("accounts:signup")
    form = SignupCodeForm(request.POST if request.method == "POST" else None)
    context = {
        "form": form,
        "phone": held["account"]["phone"] if held else "",
        "minutes": signup_flow.CODE_MINUTES,
    }
    if request.method == "POST" and form.is_valid():
        try:
            user = signup_flow.confirm(request.session, form.cleaned_data["code"])
        except signup_flow.SignupError as error:
            form.add_error("code", error.message)
            context["ended"] = error.ended
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            # Checked when the sign-up started, and kept in the session since.
            return redirect(held["next"] or citizen_home)
    return render(request, "registration/signup_confirm.html", context)


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
    success_url = reverse_lazy("accounts:password-reset-sent")

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
    success_url = reverse_lazy("accounts:password-reset-complete")


def lockout_message():
    minutes = round(float(settings.AXES_COOLOFF_TIME or 0) * 60)
    return _(
        "Too many failed logins. Logging in to this account from this device is locked "
        "for %(minutes)s minutes; try again later, or ask the desk for help."
    ) % {"minutes": minutes}
