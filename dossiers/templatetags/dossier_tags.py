"""How much working time a dossier has left, as staff and citizens say it:
"còn 2 ngày 3 giờ", "quá hạn 1 ngày 2 giờ"."""

from datetime import timedelta

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from core.roles import Role
from core.selectors import get_working_calendar
from dossiers import services
from dossiers.serializers import describe_working_time
from dossiers.workflow import ACTION_LABELS

register = template.Library()


def _open_remaining(dossier):
    """Working time left (negative when late) of a dossier whose clock matters, else None."""
    if dossier.is_final or dossier.resolved_at is not None:
        return None
    return services.remaining_working_time(dossier)


@register.filter
def remaining(dossier):
    """ "còn 2 ngày 3 giờ" / "quá hạn 1 ngày 2 giờ"; empty before receipt and once
    finished. A paused clock says so, since the time left is frozen."""
    left = _open_remaining(dossier)
    if left is None:
        return ""
    words = {"time": describe_working_time(left, get_working_calendar())}
    text = _("late by %(time)s") % words if left < timedelta(0) else _("%(time)s left") % words
    if dossier.paused_at is not None:
        text = _("%(remaining)s (clock paused)") % {"remaining": text}
    return text


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


@register.filter
def person(user):
    """A staff member as Vietnamese write names: family name first ("Trần Thị Bình")."""
    if user is None:
        return ""
    return f"{user.last_name} {user.first_name}".strip() or user.username


@register.filter
def action_label(action):
    """What an event's action means in words ("Chuyển xử lý"); unknown ones as stored."""
    return ACTION_LABELS.get(action, action)
