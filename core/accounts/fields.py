"""Form fields for a person's details, typed the many ways people type them and cleaned by
the rules of core.validators. The account forms use them, and so does every dossier form
that asks for the same details."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import CITIZEN_ID, NAME, PHONE, NormalisedFormField


class PhoneField(NormalisedFormField):
    """A Vietnamese phone number typed any usual way ("0912 345 678", "+84912345678",
    full-width digits), cleaned to the national form the portal stores ("0912345678")."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        )
        super().__init__(PHONE, **kwargs)


class IdNumberField(NormalisedFormField):
    """The 12-digit citizen ID (CCCD); spaces typed between the groups are dropped."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Citizen ID (CCCD)"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        )
        super().__init__(CITIZEN_ID, **kwargs)


class NameField(NormalisedFormField):
    """A person's or organisation's name (core.validators: NFC, no invisible characters)."""

    def __init__(self, **kwargs):
        super().__init__(NAME, **kwargs)
