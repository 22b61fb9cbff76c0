"""Amounts as the national portal writes them: time limits, fees ("70.000 đồng"), the
same-day cut-off a note states, the currency; and amounts written back as plain text."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from ..search import fold
from .codes import VND
from .reading import RecordError, to_decimal

_DONG_SPELLINGS = {"", "vnd", "dong", "d", "vn dong"}
MAX_LIMIT = Decimal(3650)
_CENT = Decimal("0.01")
_CUTOFF = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*(?:h|gio|:)\s*([0-5]\d)?(?!\d)")
_MONEY = re.compile(r"(\d[\d., ]*?)\s*(?:dong|vnd|d)?\.?")
_GROUPED_THOUSANDS = re.compile(r"\d{1,3}(?:[., ]\d{3})+")
_DECIMAL = re.compile(r"\d+(?:[.,]\d+)?")
_DONG_WRAPPER = re.compile(r"^Đồng\s*\((?P<inner>.*)\)$", re.DOTALL)


def plain_number(amount):
    """ "7", "0.5", "100": a Decimal without exponent or trailing zeros."""
    return format(amount.normalize(), "f") if amount else "0"


def parse_limit(value, key="THOIGIANGIAIQUYET"):
    """A time limit amount: a number, possibly written as text ("7", "0,5"); None if blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise RecordError(_("%(key)s must be a number.") % {"key": key})
    if isinstance(value, str):
        text = value.strip()
        amount = to_decimal(text.replace(",", ".")) if _DECIMAL.fullmatch(text) else None
    else:
        amount = to_decimal(str(value))
    if amount is None or not amount.is_finite():
        raise RecordError(
            _("%(key)s must be a number, not %(value)s.") % {"key": key, "value": repr(value)}
        )
    if not 0 <= amount <= MAX_LIMIT:
        raise RecordError(
            _("%(key)s must be between 0 and %(max)s.") % {"key": key, "max": MAX_LIMIT}
        )
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_money(value, key="SOTIEN"):
    """A fee amount: a number, or text such as "70.000", "70.000 đồng"; None if blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise RecordError(_("%(key)s must be a number.") % {"key": key})
    amount = to_decimal(str(value)) if isinstance(value, (int, float)) else _money_text(value)
    if amount is None or not amount.is_finite() or amount < 0:
        raise RecordError(
            _("%(key)s must be an amount of money, not %(value)s.")
            % {"key": key, "value": repr(value)}
        )
    return amount


def _money_text(text):
    match = _MONEY.fullmatch(fold(text))
    if not match:
        return None
    number = match.group(1).strip()
    if _GROUPED_THOUSANDS.fullmatch(number):
        return to_decimal(re.sub(r"[., ]", "", number))
    return to_decimal(number.replace(",", ".")) if _DECIMAL.fullmatch(number) else None


def parse_cutoff(note):
    """The same-day cut-off a note states ("trước 15 giờ", "15h", "15:00") as "HH:MM"."""
    match = _CUTOFF.search(fold(note))
    if not match:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"


def currency(text):
    return VND if fold(text).replace(".", "") in _DONG_SPELLINGS else text


def unwrap_dong(description):
    """ "Đồng (Mức lệ phí …)" — the scraper glued the unit to the note — becomes the note."""
    match = _DONG_WRAPPER.match(description)
    return match.group("inner").strip() if match else description
