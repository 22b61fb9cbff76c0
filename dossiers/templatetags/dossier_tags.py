"""Template filters of the dossier pages: how much working time a dossier has left, as
staff and citizens say it ("còn 2 ngày 3 giờ", "quá hạn 1 ngày 2 giờ"), and the wording of
dossiers/words.py."""

from datetime import timedelta

from django import template
from django.conf import settings

from core.roles import Role
from dossiers import words
from dossiers.services.clock import remaining_working_time

register = template.Library()


def _open_remaining(dossier):
    """Working time left (negative when late) of a dossier whose clock matters, else None."""
    if dossier.is_final or dossier.resolved_at is not None:
        return None
    return remaining_working_time(dossier)


@register.filter
def remaining(dossier):
    """ "còn 2 ngày 3 giờ" / "quá hạn 1 ngày 2 giờ"; empty before receipt and once
    finished."""
    left = _open_remaining(dossier)
    if left is None:
        return ""
    return words.remaining_words(left, paused=dossier.paused_at is not None)


@register.filter
def due_state(dossier):
    """ "overdue", "due-soon" or "" — a CSS class for rows and badges."""
    left = _open_remaining(dossier)
    if left is None:
        return ""
    if left < timedelta(0):
        return "overdue"
    if left <= timedelta(hours=settings.ONESTOP_DUE_SOON_HOURS):
        return "due-soon"
    return ""


@register.filter
def receives_at_counter(user):
    """Whether the counter intake is this user's work (the service decides in the end)."""
    return user.is_superuser or user.has_role(Role.DESK_OFFICER)


register.filter("person", words.person)
register.filter("action_label", words.action_label)
