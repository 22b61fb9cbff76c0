"""Every dossier event queues its sync messages in the event's own transaction, and the
desk's dossier page shows where its synchronisation stands (the dossier app tells this app
by signals; it never imports it)."""

import logging

from django.db import transaction
from django.dispatch import receiver

from dossiers.models import DossierEvent
from dossiers.signals import dossier_panels, event_logged

from . import client, selectors
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


@receiver(dossier_panels)
def sync_panel(sender, dossier, user, page, **kwargs):
    if page != "desk" or not client.enabled():
        return None
    return "exchange/_sync_panel.html", {"sync": selectors.dossier_sync(dossier)}
