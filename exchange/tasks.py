from celery import shared_task

from . import client
from .services import send_due


@shared_task
def sync_with_national_portal():
    """Send the outbox's due messages (every minute, and right after each change)."""
    if not client.enabled():
        return 0, 0
    return send_due()
