"""Vietnam's public holidays and swapped working days, as the ``holidays`` package knows
them. Pure: returns plain tuples so a migration and a service can both use it."""

from datetime import date

import holidays

HOLIDAY = "holiday"
WORKDAY = "workday"


def official_days(years):
    """[(date, kind, Vietnamese name), ...] for the given years, sorted by date.

    Weekend holidays are left out: they change nothing in working time. Swapped Saturdays
    (e.g. 22/08/2026, worked so that 31/08 is off) come back as make-up working days.
    """
    calendar = holidays.country_holidays("VN", years=list(years), language="vi")
    entries = [(day, HOLIDAY, name) for day, name in calendar.items() if day.weekday() < 5]
    entries += [
        (day, WORKDAY, "Ngày làm việc bù")
        for day in getattr(calendar, "weekend_workdays", ())
        if day.year in set(years)
    ]
    return sorted(entries)


def parse_year_range(text):
    """'2015-2035' -> range(2015, 2036)."""
    first, _sep, last = text.partition("-")
    start, end = int(first), int(last or first)
    if end < start:
        raise ValueError(f"Year range {text!r} ends before it starts.")
    return range(start, end + 1)


def current_years(today=None, around=1):
    year = (today or date.today()).year
    return range(year - around, year + around + 1)
