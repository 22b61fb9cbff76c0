"""Sending queued dossier notifications by e-mail and SMS, each exactly once.

Rows are locked with SKIP LOCKED while they are sent, so two workers (or a task and the
sweep) never send the same row; a crash before the commit leaves the row unsent for the
next sweep.
"""

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.sms import get_sms_backend

from ..models import Notification

logger = logging.getLogger(__name__)
BATCH = 200


def deliver(notification_ids=None):
    """Send the unsent notifications among ``notification_ids`` (all unsent when None).
    Returns how many were sent."""
    sent = 0
    while True:
        with transaction.atomic():
            batch = _claim(notification_ids)
            if not batch:
                return sent
            for note in batch:
                sent += _send(note)
        if notification_ids is not None:
            return sent


def _claim(notification_ids):
    pending = Notification.objects.filter(sent_at__isnull=True, error="")
    if notification_ids is not None:
        pending = pending.filter(pk__in=notification_ids)
    return list(
        pending.select_related("dossier", "dossier__procedure", "event")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")[:BATCH]
    )


def _send(note):
    try:
        if note.channel == "email":
            subject, body = _render(note, "subject.txt").strip(), _render(note, "body.txt")
            send_mail(subject, body, None, [note.recipient])
        else:
            get_sms_backend().send(note.recipient, _render(note, "sms.txt").strip())
    except Exception as error:
        # Recorded, not retried blindly: a bad address would fail forever.
        note.error = str(error)[:1000] or error.__class__.__name__
        note.save(update_fields=["error"])
        logger.warning("Sending %s %s failed: %s", note.channel, note.kind, error)
        return 0
    note.sent_at = timezone.now()
    note.save(update_fields=["sent_at"])
    return 1


def _render(note, template):
    context = {"dossier": note.dossier, "event": note.event, "kind": note.kind}
    with translation.override("vi"):
        return render_to_string(f"dossiers/notifications/{template}", context)
