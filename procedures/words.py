"""Catalogue terms in plain words, as a citizen reads them: time limits and fees ("7 ngày
làm việc", "Trong ngày (nhận trước 15:00)", "Miễn phí", "50.000 đồng"), the copies of a
document to bring, and numbers in the active language's notation. Plain functions, so
Python code and the template filters (templatetags/catalogue.py) share them."""

from datetime import time

from django.conf import settings
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.workdays import LimitUnit

from .search import fold
from .selectors import to_decimal

# (singular, plural) per unit; Vietnamese has a single form, English needs both.
_UNIT_WORDS = {
    LimitUnit.WORKING_DAYS: (
        gettext_noop("%(amount)s working day"),
        gettext_noop("%(amount)s working days"),
    ),
    LimitUnit.WORKING_HOURS: (
        gettext_noop("%(amount)s working hour"),
        gettext_noop("%(amount)s working hours"),
    ),
    LimitUnit.CALENDAR_DAYS: (gettext_noop("%(amount)s day"), gettext_noop("%(amount)s days")),
}
_ORIGINALS_WORDS = (gettext_noop("%(amount)s original"), gettext_noop("%(amount)s originals"))
_COPIES_WORDS = (gettext_noop("%(amount)s copy"), gettext_noop("%(amount)s copies"))
_DONG_SPELLINGS = {"", "vnd", "dong", "d", "vn dong"}


def _counted(count, singular, plural, **values):
    return _(singular if count == 1 else plural) % values


def format_number(value, decimal_pos=None):
    """A number in the active language's notation, thousands grouped by three
    (Vietnamese: 4.500.000 and 0,5) — the Vietnamese locale sets no grouping of its own."""
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimal_pos,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def _plain_amount(amount):
    # normalize() alone would write 10 as 1E+1.
    if amount == amount.to_integral_value():
        return format_number(int(amount))
    return format_number(amount.normalize())


def _default_cutoff():
    hours, minutes = settings.ONESTOP_SAME_DAY_CUTOFF.split(":")[:2]
    return time(int(hours), int(minutes))


def time_limit_words(amount, unit, cutoff=None, unit_text=""):
    """The time limit as a sentence fragment: "7 ngày làm việc", "4 giờ làm việc",
    "30 ngày", "Trong ngày (nhận trước 15:00)"; a unit the deadline rules do not know is
    shown in the catalogue's own words (``unit_text``, e.g. "3 tháng")."""
    if unit == LimitUnit.SAME_DAY:
        cutoff = cutoff or _default_cutoff()
        return _("Same day (if received before %(cutoff)s)") % {"cutoff": cutoff.strftime("%H:%M")}
    amount = to_decimal(amount)
    words = _UNIT_WORDS.get(unit)
    if amount <= 0:
        return _("No time limit stated")
    if words is None:
        if unit_text:
            return f"{_plain_amount(amount)} {unit_text.lower()}"
        return _("No time limit stated")
    return _counted(amount, *words, amount=_plain_amount(amount))


def fee_words(amount, currency=""):
    """A fee amount: "Miễn phí" for nothing, "50.000 đồng", or "10 USD" for another
    currency."""
    amount = to_decimal(amount)
    if amount <= 0:
        return _("Free of charge")
    if fold(currency).replace(".", "") in _DONG_SPELLINGS:
        return _("%(amount)s VND") % {"amount": _plain_amount(amount)}
    return f"{_plain_amount(amount)} {currency}"


def copies(document):
    """How many originals and copies of a required document to bring: "1 bản chính,
    2 bản sao"; empty when the catalogue does not say."""
    counts = ((document.originals, _ORIGINALS_WORDS), (document.copies, _COPIES_WORDS))
    return ", ".join(_counted(count, *words, amount=count) for count, words in counts if count)
