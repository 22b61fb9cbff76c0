"""Thin Celery tasks: they take ids and call the delivery and sweep services."""

from celery import shared_task


@shared_task(acks_late=True)
def deliver_notifications(notification_ids):
    from .delivery import deliver

    return deliver(notification_ids)


@shared_task
def deliver_pending_notifications():
    from .delivery import deliver

    return deliver()
