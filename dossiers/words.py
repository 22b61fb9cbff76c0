"""Dossier wording as staff, citizens and the printed forms say it: people's names in
Vietnamese order, what an event's action means, how much working time is left. Plain
functions, so Python code (admin, forms, printing, serializers) and the template filters
(templatetags/dossier_tags.py) share them."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from core import workdays
from core.selectors import get_working_calendar

from .workflow import ACTION_LABELS


def person(user):
    """A staff member as Vietnamese write names: family name first ("Trần Thị Bình"); the
    user name when no name is recorded, "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def action_label(action):
    """What an event's action means in words ("Chuyển xử lý"); unknown ones as stored."""
    return ACTION_LABELS.get(action, action)


# --- names as the public lookup shows them -----------------------------------------------


def mask_name(name):
    """The name as the public lookup shows it, "Nguyễn Văn An" → "Nguyễn V. A.": enough for
    the applicant to recognise, too little to identify anyone."""
    words = name.split()
    if len(words) < 2:
        return f"{words[0][0]}." if words else ""
    return " ".join([words[0], *(f"{word[0]}." for word in words[1:])])


# --- working time left ----------------------------------------------------------------------

# Plural forms by hand: Vietnamese has none, and the translation files are filled per msgid.
DURATION_UNITS = (
    (_("%(count)d day"), _("%(count)d days")),
    (_("%(count)d hour"), _("%(count)d hours")),
    (_("%(count)d minute"), _("%(count)d minutes")),
)


def describe_working_time(duration, calendar):
    """The two largest non-zero units of a working duration's magnitude: "2 ngày 3 giờ"."""
    counts = workdays.split_working_duration(calendar, duration)
    parts = [
        (one if count == 1 else many) % {"count": count}
        for count, (one, many) in zip(counts, DURATION_UNITS, strict=True)
        if count
    ]
    return " ".join(parts[:2]) or DURATION_UNITS[-1][1] % {"count": 0}


def describe_remaining(duration, calendar):
    if duration < timedelta(0):
        return _("Late by %(duration)s") % {"duration": describe_working_time(duration, calendar)}
    return describe_working_time(duration, calendar)


def remaining_words(left, paused=False):
    """ "còn 2 ngày 3 giờ" / "quá hạn 1 ngày 2 giờ" for ``left``, a dossier's working time
    left (negative when late). A paused clock says so, since the time left is frozen."""
    values = {"time": describe_working_time(left, get_working_calendar())}
    text = _("late by %(time)s") % values if left < timedelta(0) else _("%(time)s left") % values
    if paused:
        text = _("%(remaining)s (clock paused)") % {"remaining": text}
    return text
