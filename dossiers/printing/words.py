"""Dates and places as the official forms write them (Decree 30/2020 on administrative
documents): "ngày 05 tháng 01 năm 2026", "09 giờ 00 phút, ngày …", "Sơn Tây, ngày …"."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

# The kind word that a place name drops: "Thị xã Sơn Tây" signs its papers "Sơn Tây, …".
# Longer words first, so "Thị xã" is not read as "xã".
PLACE_PREFIXES = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "tỉnh",
    "huyện",
    "quận",
    "phường",
    "xã",
)


def _day(number):
    # Decree 30/2020 on administrative documents: days below 10 and the months January
    # and February are written with a leading zero ("ngày 05 tháng 01", "tháng 11").
    return f"{number:02d}" if number < 10 else str(number)


def _month(number):
    return f"{number:02d}" if number < 3 else str(number)


def _date_parts(moment):
    local = timezone.localtime(moment) if isinstance(moment, datetime) else moment
    return {"day": _day(local.day), "month": _month(local.month), "year": local.year}


def date_words(moment):
    """ "ngày 23 tháng 11 năm 2026"; empty for no date."""
    if moment is None:
        return ""
    return _("on %(day)s/%(month)s/%(year)s") % _date_parts(moment)


def time_words(moment):
    """ "09 giờ 00 phút, ngày 23 tháng 11 năm 2026"; empty for no time."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return _("%(hour)s:%(minute)s on %(day)s/%(month)s/%(year)s") % {
        "hour": f"{local.hour:02d}",
        "minute": f"{local.minute:02d}",
        **_date_parts(local),
    }


def place_and_date(place, moment):
    """ "Sơn Tây, ngày 23 tháng 11 năm 2026"."""
    return _("%(place)s, %(day)s/%(month)s/%(year)s") % {"place": place, **_date_parts(moment)}


# A unit may be named after its committee: "Ủy ban nhân dân thị xã Sơn Tây".
COMMITTEE_PREFIXES = ("ủy ban nhân dân", "uỷ ban nhân dân", "ubnd")


def without_committee(name):
    """The unit's name without a leading "Ủy ban nhân dân": "thị xã Sơn Tây"."""
    name = " ".join(name.split())
    lowered = name.lower()
    for prefix in COMMITTEE_PREFIXES:
        if lowered.startswith(prefix + " "):
            return name[len(prefix) + 1 :].strip()
    return name


def place_name(unit):
    """The locality's name without its kind word: "Sơn Tây", "Lê Lợi", "Hà Nội"."""
    name = without_committee(unit.name)
    lowered = name.lower()
    for prefix in PLACE_PREFIXES:
        if lowered.startswith(prefix + " "):
            return name[len(prefix) + 1 :].strip()
    return name
