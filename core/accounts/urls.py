"""The account pages' URLs, under /accounts/ in the "accounts" namespace."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views


def account_urls(citizen_home):
    """(patterns, namespace) for ``include``. ``citizen_home`` (a URL name) is where a
    citizen lands once signed up: that page belongs to a higher app, so the project's
    URLconf names it and core never does."""
    home = {"citizen_home": citizen_home}
    patterns = [
        path("signup/", views.signup, home, name="signup"),
        path("signup/confirm/", views.signup_confirm, home, name="signup-confirm"),
        path("login/", views.LoginView.as_view(), name="login"),
        path("logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
        path(
            "password-reset/sent/",
            auth_views.PasswordResetDoneView.as_view(
                template_name="registration/password_reset_sent.html"
            ),
            name="password-reset-sent",
        ),
        path(
            "reset/<uidb64>/<token>/",
            views.PasswordResetConfirmView.as_view(),
            name="password-reset-confirm",
        ),
        path(
            "reset/done/",
            auth_views.PasswordResetCompleteView.as_view(
                template_name="registration/password_reset_complete.html"
            ),
            name="password-reset-complete",
        ),
    ]
    return patterns, "accounts"
