"""People's data as the portal stores it: phone numbers, citizen IDs, tax codes and names.

Each rule is a normaliser (whatever people type → the one spelling stored) and a validator
of that spelling. The validators sit on the model fields; the form and serializer fields
below normalise first and validate the result, so the API, the pages, the services and
the back office store the same value or refuse it with the same message. The choices
behind the rules are in docs/decisions.md ("People's data").
"""

import re
import unicodedata
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# [0-9], not \d: Python's \d also matches Arabic-Indic, full-width and other digits.
PHONE_PATTERN = r"^0(?:[35789][0-9]{8}|2[0-9]{9})$"
CITIZEN_ID_PATTERN = r"^[0-9]{12}$"
TAX_CODE_PATTERN = r"^[0-9]{10}(?:-[0-9]{3})?$"
ID_OR_TAX_CODE_PATTERN = r"^(?:[0-9]{12}|[0-9]{10}(?:-[0-9]{3})?)$"
# Room for the spaces, dots and "+84" people type; the patterns bound what is stored.
NUMBER_MAX_LENGTH = 20
NAME_MAX_LENGTH = 255
# Vietnamese needs none after NFC (every letter has a precomposed form), other Latin
# spellings one or two; hundreds stacked on one letter ("Zalgo" text) smear over the page.
MAX_MARKS_PER_LETTER = 2

# Typed as the digits' own separators, also in their full-width forms (East Asian input
# methods). Dashes of every kind are Unicode category Pd.
NUMBER_SEPARATORS = frozenset(" .()\uff0e\uff08\uff09")
PLUS_SIGNS = frozenset("+\uff0b")
# Letters and symbols that draw nothing: the Hangul fillers and the blank Braille cell.
BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


# --- phone numbers and ID numbers -------------------------------------------------------


def normalise_number(text):
    """Every decimal digit of any script as its ASCII digit, full-width plus signs as "+",
    and the separators people type (spaces, dots, dashes, parentheses) and invisible
    format characters dropped. Anything else is kept, for the validator to refuse."""
    return "".join(_number_chars(text or ""))


def _number_chars(text):
    for char in text:
        if char.isdecimal():
            yield str(unicodedata.decimal(char))
        elif char in PLUS_SIGNS:
            yield "+"
        elif not (
            char.isspace()
            or char in NUMBER_SEPARATORS
            or unicodedata.category(char) in {"Pd", "Cf"}
        ):
            yield char


def normalise_phone(text):
    """One spelling per number: "+84 912 345 678", "84912345678", "(+84) 0912.345.678" and
    "０９１２３４５６７８" all become "0912345678"."""
    phone = normalise_number(text)
    if phone.startswith("+84"):
        return "0" + phone[3:].removeprefix("0")
    if phone.startswith("84") and len(phone) in (11, 12):
        return "0" + phone[2:].removeprefix("0")
    return phone


def normalise_id_number(text):
    """A citizen ID or tax code as digits; a branch's 13-digit tax code in its official
    written form, "0101234567-001"."""
    number = normalise_number(text)
    if re.fullmatch(r"[0-9]{13}", number):
        return f"{number[:10]}-{number[10:]}"
    return number


class NumberValidator(RegexValidator):
    """The whole value must match (a trailing newline too), and a form people still use
    but that is no longer valid (``retired``) gets a message saying so."""

    retired = None
    retired_message = ""

    def __call__(self, value):
        text = str(value)
        if self.retired and re.fullmatch(self.retired, text):
            raise ValidationError(self.retired_message, code="retired")
        if not self.regex.fullmatch(text):
            raise ValidationError(self.message, code=self.code, params={"value": value})


@deconstructible
class PhoneValidator(NumberValidator):
    """Vietnam's number plan since 2018: mobiles have 10 digits (03, 05, 07, 08, 09),
    landlines 11 (02 and the area code)."""

    regex = PHONE_PATTERN
    message = _("Enter a Vietnamese phone number, e.g. 0912345678.")
    code = "invalid_phone"
    retired = r"01[0-9]{8,9}"
    retired_message = _(
        "Numbers starting with 01 are no longer in use since 2018 (11-digit mobile numbers "
        "moved to 03, 05, 07 and 08); enter the current number, e.g. 0912345678."
    )


class RefusesCmnd:
    """Both ID rules tell the old 9-digit card apart from a mistyped number."""

    retired = r"[0-9]{9}"
    retired_message = _(
        "The 9-digit identity card (CMND) is no longer valid since 1 January 2025; enter "
        "the 12-digit citizen ID (CCCD)."
    )


@deconstructible
class CitizenIdValidator(RefusesCmnd, NumberValidator):
    regex = CITIZEN_ID_PATTERN
    message = _("A citizen ID (CCCD) number has exactly 12 digits.")
    code = "invalid_citizen_id"


@deconstructible
class TaxCodeValidator(NumberValidator):
    regex = TAX_CODE_PATTERN
    message = _("A tax code has 10 digits, or 13 for a branch.")
    code = "invalid_tax_code"


@deconstructible
class IdOrTaxCodeValidator(RefusesCmnd, NumberValidator):
    """Where the kind of applicant is not known yet: either a citizen ID or a tax code."""

    regex = ID_OR_TAX_CODE_PATTERN
    message = _("Enter a 12-digit citizen ID (CCCD) or a 10- or 13-digit tax code.")
    code = "invalid_id_number"


validate_phone = PhoneValidator()
validate_citizen_id = CitizenIdValidator()
validate_tax_code = TaxCodeValidator()
validate_id_or_tax_code = IdOrTaxCodeValidator()


# --- names ------------------------------------------------------------------------------


def is_invisible(char):
    """Control, format (zero-width spaces, joiners, U+FEFF, bidi overrides, isolates and
    marks), private-use, surrogate and unassigned code points, and blank glyphs."""
    return unicodedata.category(char)[0] == "C" or char in BLANK_GLYPHS


def normalise_name(text):
    """NFC, invisible characters dropped, any run of whitespace one space, no space at
    either end: "  Nguyễn\u200b  Văn\tAn " → "Nguyễn Văn An". Whitespace goes first to
    a space so that a tab or a newline (control characters) still separates two words."""
    visible = "".join(_visible_chars(text or ""))
    return " ".join(unicodedata.normalize("NFC", visible).split())


def _visible_chars(text):
    for char in text:
        if char.isspace():
            yield " "
        elif not is_invisible(char):
            yield char


def longest_mark_run(text):
    """The most combining marks in a row (marks stacked on one character)."""
    longest = run = 0
    for char in text:
        run = run + 1 if unicodedata.category(char).startswith("M") else 0
        longest = max(longest, run)
    return longest


@deconstructible
class NameValidator:
    """A person's or organisation's name as stored: no invisible characters, at least one
    letter, at most ``MAX_MARKS_PER_LETTER`` combining marks on one character."""

    def __call__(self, value):
        if any(is_invisible(char) for char in value):
            raise ValidationError(
                _("The name contains invisible or control characters; type it again."),
                code="invisible",
            )
        if not any(unicodedata.category(char).startswith("L") for char in value):
            raise ValidationError(_("A name must contain at least one letter."), code="no_letter")
        if longest_mark_run(value) > MAX_MARKS_PER_LETTER:
            raise ValidationError(
                _("A letter carries at most %(limit)d accent marks; remove the extra ones."),
                code="marks",
                params={"limit": MAX_MARKS_PER_LETTER},
            )

    def __eq__(self, other):
        return isinstance(other, NameValidator)

    __hash__ = object.__hash__


validate_name = NameValidator()


# --- one rule for every door ------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    normalise: object
    validator: object
    max_length: int

    def __deepcopy__(self, memo):
        # DRF deep-copies its fields for every serializer; a rule is immutable.
        return self


PHONE = Rule(normalise_phone, validate_phone, NUMBER_MAX_LENGTH)
CITIZEN_ID = Rule(normalise_id_number, validate_citizen_id, NUMBER_MAX_LENGTH)
TAX_CODE = Rule(normalise_id_number, validate_tax_code, NUMBER_MAX_LENGTH)
ID_OR_TAX_CODE = Rule(normalise_id_number, validate_id_or_tax_code, NUMBER_MAX_LENGTH)
NAME = Rule(normalise_name, validate_name, NAME_MAX_LENGTH)


def _with_rule(rule, kwargs):
    kwargs.setdefault("max_length", rule.max_length)
    return {**kwargs, "validators": [rule.validator, *kwargs.get("validators", ())]}


class NormalisedFormField(forms.CharField):
    """A form field that cleans to the rule's spelling and validates that:
    ``NormalisedFormField(PHONE, label=…)``. ``max_length`` applies to the result."""

    def __init__(self, rule, **kwargs):
        self.rule = rule
        super().__init__(**_with_rule(rule, kwargs))

    def to_python(self, value):
        return self.rule.normalise(super().to_python(value))


class NormalisedSerializerField(serializers.CharField):
    """The serializer twin of ``NormalisedFormField``. Its validators are Django's, so
    drf-spectacular writes the rule's pattern (and maxLength) into the OpenAPI schema."""

    def __init__(self, rule, **kwargs):
        self.rule = rule
        super().__init__(**_with_rule(rule, kwargs))

    def to_internal_value(self, data):
        value = self.rule.normalise(super().to_internal_value(data))
        if not value and not self.allow_blank:
            self.fail("blank")  # e.g. only invisible characters: the form says "required"
        return value

    def run_validators(self, value):
        # As Django's form fields do: an allowed blank is not checked against the rule.
        if value:
            super().run_validators(value)
