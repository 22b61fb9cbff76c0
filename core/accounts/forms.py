"""Forms of the account pages: sign-up and its code, log-in by phone number or user name,
and the password reset for citizens."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.validators import normalise_phone, validate_phone

from .fields import IdNumberField, NameField, PhoneField

User = get_user_model()


def split_full_name(name):
    """(family and middle names, given name) — the last word is the given name."""
    family, _sep, given = " ".join(name.split()).rpartition(" ")
    return family, given


class SignupForm(forms.Form):
    full_name = NameField(
        label=_("Full name"),
        max_length=150,
        error_messages={"required": _("Enter your full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = PhoneField(
        label=_("Mobile phone number"),
        help_text=_("You log in with this number, and the desk uses it to reach you."),
        error_messages={"required": _("Enter your phone number.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Optional; notices about your dossiers are sent to it."),
        error_messages={"invalid": _("Enter a valid e-mail address, e.g. an@example.vn.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    id_number = IdNumberField(help_text=_("Optional; 12 digits. It fills in your filings."))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Choose a password.")},
        help_text=_("At least 8 characters, not only digits, and not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        error_messages={"required": _("Type the password a second time.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ; type the same one twice."))
        elif first:
            try:
                password_validation.validate_password(first, self._new_user())
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def _new_user(self):
        data = self.cleaned_data
        family, given = split_full_name(data.get("full_name", ""))
        phone = data.get("phone", "")
        return User(
            username=phone,
            phone=phone,
            first_name=given,
            last_name=family,
            email=data.get("email", ""),
            id_number=data.get("id_number", ""),
        )

    def new_account(self):
        """The account to create once the number is confirmed (signup.py): not saved, its
        password hashed. Whether the number already has an account is not the form's to
        say: the answer must be the same either way."""
        user = self._new_user()
        user.set_password(self.cleaned_data["password1"])
        return user


class SignupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the message"),
        max_length=6,
        min_length=6,
        error_messages={
            "required": _("Type the 6-digit code from the message."),
            "min_length": _("The code has 6 digits."),
            "max_length": _("The code has 6 digits."),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}
        ),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset by e-mail, for citizens only: staff passwords are reset in the back
    office. An address with no citizen account gets the same answer and no message, so
    the form tells nobody which addresses have one."""

    email = forms.EmailField(
        label=_("E-mail of your account"),
        max_length=254,
        error_messages={
            "required": _("Enter the e-mail address of your account."),
            "invalid": _("Enter a valid e-mail address, e.g. an@example.vn."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.has_role(Role.CITIZEN))


def login_name(typed):
    """The user name to authenticate: citizens may log in with their phone number however
    they type it; staff keep their user names."""
    phone = normalise_phone(typed)
    try:
        validate_phone(phone)
    except ValidationError:
        return typed
    if User.objects.filter(username=phone).exists():
        return phone
    names = list(User.objects.filter(phone=phone, is_active=True).values_list("username")[:2])
    return names[0][0] if len(names) == 1 else typed


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The phone number (or user name) or the password is wrong. Passwords are "
            "case-sensitive."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = _("Phone number or user name")
        username.error_messages["required"] = _("Enter your phone number or user name.")
        username.widget.attrs.update({"autocomplete": "username", "inputmode": "text"})
        self.fields["password"].error_messages["required"] = _("Enter your password.")

    def clean_username(self):
        return login_name(self.cleaned_data["username"].strip())
