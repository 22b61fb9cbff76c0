"""Telling the applicant what happened, through an outbox.

A transition writes its Notification rows in the same transaction as the status change,
then asks a worker to deliver them after the commit. If the broker is down the request still
succeeds; the periodic sweep delivers whatever is still unsent, once.
"""

import logging

from celery import shared_task
from django.db import transaction

from ..models import Notification
from . import delivery

logger = logging.getLogger(__name__)


def after_commit(dossier, event, kind):
    """Queue ``kind`` for the applicant's e-mail and phone; call inside the transaction."""
    rows = [
        Notification(dossier=dossier, event=event, kind=kind, channel=channel, recipient=to)
        for channel, to in (("email", dossier.applicant_email), ("sms", dossier.applicant_phone))
        if to
    ]
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


# The task lives beside the outbox that queues it, so this module needs nothing from
# dossiers.tasks (which imports the services that import this). It keeps the name it is
# queued and scheduled by; dossiers.tasks imports it so Celery's autodiscovery finds it.
@shared_task(name="dossiers.tasks.deliver_notifications", acks_late=True)
def deliver_notifications(notification_ids):
    return delivery.deliver(notification_ids)


def enqueue(notification_ids):
    try:
        deliver_notifications.delay(notification_ids)
    except Exception:  # any broker failure: the sweep recovers it, the request must not fail
        logger.warning(
            "Could not queue notifications %s; the sweep will send them.",
            notification_ids,
            exc_info=True,
        )
