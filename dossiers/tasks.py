"""Thin Celery tasks: they take ids (or nothing) and call the services. Every periodic
task recomputes from the database, so a lost run is made good by the next one.

The beat schedule and queued messages name these tasks ``dossiers.tasks.<function>``;
``deliver_notifications`` is declared beside the outbox that queues it and imported here
so that autodiscovery of this module registers it under that name too.
"""

from celery import shared_task

from . import held_uploads
from .messaging import delivery, reminders
from .messaging.notifications import deliver_notifications
from .privacy import retention
from .reporting.rollup import nightly_roll_up

__all__ = [
    "deliver_notifications",
    "discard_stale_held_uploads",
    "erase_expired_personal_data",
    "roll_up_statistics",
    "send_daily_digests",
    "send_monthly_reports",
    "sweep_reminders",
]


@shared_task
def sweep_reminders():
    """Due-soon, overdue and step reminders, then anything still unsent (including
    applicant notifications whose task was lost while the broker was down)."""
    owed = {
        "due_soon": reminders.sweep_due_soon(),
        "overdue": reminders.sweep_overdue(),
        "step_behind": reminders.sweep_steps_behind(),
        "step_due_soon": reminders.sweep_steps_due_soon(),
    }
    owed["messages"] = reminders.deliver_reminders()
    owed["notifications"] = delivery.deliver()
    return owed


@shared_task
def send_daily_digests():
    reminders.owe_daily_digests()
    return reminders.deliver_reminders()


@shared_task
def send_monthly_reports():
    reminders.owe_monthly_reports()
    return reminders.deliver_reminders()


@shared_task
def roll_up_statistics():
    return nightly_roll_up()


@shared_task
def discard_stale_held_uploads():
    """Hourly: the uploads held for a form that was never saved."""
    return held_uploads.discard_stale_held_uploads()


@shared_task
def erase_expired_personal_data():
    """Nightly: the personal data of finished dossiers past their retention period."""
    return retention.erase_expired()
