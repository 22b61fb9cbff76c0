"""Template helpers of the dashboard and transparency pages."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import numberformat
from django.utils.formats import get_format, number_format

from dossiers.reporting.access import can_read_reports

register = template.Library()

NO_FIGURE = "—"


@register.filter
def sees_dashboard(user):
    """True for the leaders the dashboard is for (the navigation shows its link)."""
    return can_read_reports(user)


@register.filter
def percent(value):
    """ "98,2 %" in Vietnamese, "98.2 %" in English; a dash when there is nothing to
    divide by."""
    if value is None:
        return NO_FIGURE
    return f"{decimal(value, 1)} %"


@register.filter
def count(value):
    """A whole number grouped by thousands with the language's separator: "20.000"."""
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


@register.filter
def decimal(value, places=1):
    """A number rounded half up to ``places`` decimals, with the language's separator
    (number_format alone would cut the digits off)."""
    if value is None:
        return NO_FIGURE
    step = Decimal(1).scaleb(-int(places))
    return number_format(Decimal(str(value)).quantize(step, ROUND_HALF_UP), int(places))


@register.filter
def magnitude(value):
    """The absolute value: "down 2 places" for a change of -2."""
    return abs(value)
