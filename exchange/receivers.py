"""Every dossier event queues its sync messages in the event's own transaction (the dossier
app tells this app by ``event_logged``; it never imports it)."""

import logging

from django.db import transaction
from django.dispatch import receiver

from dossiers.models import DossierEvent
from dossiers.signals import event_logged

from . import client
from .services import queue_change

logger = logging.getLogger(__name__)


@receiver(event_logged, sender=DossierEvent)
def queue_for_the_national_portal(sender, dossier, event, **kwargs):
    if not client.enabled():
        return
    queue_change(dossier, event)
    transaction.on_commit(_send_soon)


def _send_soon():
    from .tasks import sync_with_national_portal

    try:
        sync_with_national_portal.delay()
    except Exception:  # any broker failure: the beat schedule sends the outbox later
        logger.warning("Could not queue the national sync; the schedule will.", exc_info=True)
