from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _forget_calendar_on_commit(sender, **kwargs):
    from .services import forget_working_calendar

    transaction.on_commit(forget_working_calendar)


def connect():
    from .models import CalendarOverride

    for signal in (post_save, post_delete):
        signal.connect(
            _forget_calendar_on_commit,
            sender=CalendarOverride,
            dispatch_uid=f"core.calendar.{signal is post_save}",
        )
