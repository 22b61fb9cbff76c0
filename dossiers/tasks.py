"""Thin Celery tasks: they take ids (or nothing) and call the services. Every periodic
task recomputes from the database, so a lost run is made good by the next one."""

from celery import shared_task


@shared_task(acks_late=True)
def deliver_notifications(notification_ids):
    from .delivery import deliver

    return deliver(notification_ids)


@shared_task
def sweep_reminders():
    """Due-soon, overdue and step reminders, then anything still unsent (including
    applicant notifications whose task was lost while the broker was down)."""
    from . import reminders
    from .delivery import deliver

    owed = {
        "due_soon": reminders.sweep_due_soon(),
        "overdue": reminders.sweep_overdue(),
        "step_behind": reminders.sweep_steps_behind(),
    }
    owed["messages"] = reminders.deliver_reminders()
    owed["notifications"] = deliver()
    return owed


@shared_task
def send_daily_digests():
    from . import reminders

    reminders.owe_daily_digests()
    return reminders.deliver_reminders()


@shared_task
def send_monthly_reports():
    from . import reminders

    reminders.owe_monthly_reports()
    return reminders.deliver_reminders()


@shared_task
def roll_up_statistics():
    from .statistics import nightly_roll_up

    return nightly_roll_up()


@shared_task
def discard_stale_held_uploads():
    from .services import discard_stale_held_uploads

    return discard_stale_held_uploads()
