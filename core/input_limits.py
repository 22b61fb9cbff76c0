"""What one value sent to the portal may hold, wherever it comes in: a query string, a form,
a JSON or multipart API body. One rule, applied at the door by ``core.middleware`` and
``core.parsers``, so that no view or serializer has to remember it.

- No control character but tab and line breaks, and no unpaired surrogate: PostgreSQL
  refuses NUL (a 500 on the lookup), the XLSX exports refuse the other C0 controls, and a
  lone surrogate cannot be written as UTF-8.
- A value that is a date or a date-time (``2026-11-23``, ``23/11/2026``, with or without a
  time) names a year within ``INPUT_YEARS``: date arithmetic on year 1 or 9999 overflows
  (the day after 9999-12-31, a time zone before 0001-01-01).
"""

import re

from django.utils.translation import gettext as _

# Wide enough for any birth date or archive search, narrow enough that adding a day, a
# deadline or a time zone never overflows.
INPUT_YEARS = (1900, 2100)

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
_OFFSET = r"(?:Z|\s?([+-])(\d{2})(?::?(\d{2}))?)"
ISO_DATE = re.compile(rf"\s*(\d{{4,}})-\d{{1,2}}-\d{{1,2}}(?:[T ]{_TIME}{_OFFSET}?)?\s*")
# Real UTC offsets run from -12:00 to +14:00; the database refuses far larger ones.
LARGEST_OFFSET_MINUTES = 14 * 60
DMY_DATE = re.compile(rf"\s*\d{{1,2}}/\d{{1,2}}/(\d{{4,}})(?:\s+{_TIME})?\s*")


def value_problem(value):
    """Why a value sent in a request cannot be used, or None."""
    if UNSTORABLE.search(value):
        return _("Control characters (such as NUL) are not allowed.")
    year = date_year(value)
    if year is not None and not INPUT_YEARS[0] <= year <= INPUT_YEARS[1]:
        return _("The year must be between %(first)d and %(last)d.") % {
            "first": INPUT_YEARS[0],
            "last": INPUT_YEARS[1],
        }
    if offset_minutes(value) > LARGEST_OFFSET_MINUTES:
        return _("The UTC offset must be between -12:00 and +14:00.")
    return None


def date_year(value):
    """The year of a value that is a date or date-time (ISO or dd/mm/yyyy), else None."""
    match = ISO_DATE.fullmatch(value) or DMY_DATE.fullmatch(value)
    return int(match[1]) if match else None


def offset_minutes(value):
    """The size of an ISO date-time's UTC offset in minutes (0 without one)."""
    match = ISO_DATE.fullmatch(value)
    if not match or not match[3]:
        return 0
    return int(match[3]) * 60 + int(match[4] or 0)


def first_problem(named_values):
    """(name, message) for the first unusable name or value among (name, [values]) pairs
    (a QueryDict's ``lists()``), or None."""
    for name, values in named_values:
        for value in (name, *values):
            message = value_problem(value) if isinstance(value, str) else None
            if message:
                return printable(name), message
    return None


def printable(name):
    """A parameter's name fit to be shown back (and stored in a log)."""
    return UNSTORABLE.sub("\ufffd", name)
