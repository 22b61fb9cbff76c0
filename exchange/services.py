"""The outbox's writes: what a dossier change queues (in its own transaction) and the
sending, head of each dossier's queue first, so the adapter sees every dossier's changes
in the order they happened."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from . import client
from .models import SyncItem, SyncKind, SyncState
from .payloads import dossier_payload, step_payload

# Waits after the 1st, 2nd, … failed attempt; the last one repeats.
BACKOFF_MINUTES = (1, 2, 5, 15, 30, 60)
SENDERS = {SyncKind.UPSERT: client.upsert, SyncKind.STEP: client.step}
RETRY = "retry"  # send_one's answer when the adapter could not be reached


def queue_change(dossier, event):
    """The dossier as it now is, and the step ``event`` made, queued together."""
    now = event.at
    SyncItem.objects.bulk_create(
        [
            SyncItem(
                dossier=dossier,
                event=event,
                kind=SyncKind.UPSERT,
                payload=dossier_payload(dossier),
                queued_at=now,
                next_attempt_at=now,
            ),
            SyncItem(
                dossier=dossier,
                event=event,
                kind=SyncKind.STEP,
                payload=step_payload(dossier, event),
                queued_at=now,
                next_attempt_at=now,
            ),
        ]
    )


def heads(now, limit):
    """The oldest unsent item of each dossier, when it is due: a dossier whose head failed
    for good waits for a person (``retry``) before anything after it goes."""
    unsent = SyncItem.objects.exclude(state=SyncState.SENT)
    firsts = unsent.values("dossier").annotate(first=Min("pk")).values("first")
    return SyncItem.objects.filter(
        pk__in=firsts, state=SyncState.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")[:limit]


def send_due(now=None, limit=500):
    """Send what is due, head after head, until nothing due is left (or ``limit``
    attempts); (sent, not sent) counts. Stops at the first unreachable answer: the adapter
    is down, and hammering it helps nobody. A refused message stops its own dossier only."""
    sent = not_sent = 0
    while sent + not_sent < limit:
        ids = list(
            heads(now or timezone.now(), limit - sent - not_sent).values_list("pk", flat=True)
        )
        if not ids:
            break
        for pk in ids:
            outcome = send_one(pk, now)
            if outcome == SyncState.SENT:
                sent += 1
                continue
            not_sent += 1
            if outcome == RETRY:
                return sent, not_sent
    return sent, not_sent


def send_one(pk, now=None):
    """Send one item under its row lock (two workers never send it twice)."""
    with transaction.atomic():
        item = SyncItem.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if item is None or item.state != SyncState.PENDING:
            return SyncState.SENT if item is not None and item.state == SyncState.SENT else None
        now = now or timezone.now()
        item.attempts += 1
        try:
            answer = SENDERS[item.kind](item.payload)
        except client.Unreachable as error:
            wait = BACKOFF_MINUTES[min(item.attempts, len(BACKOFF_MINUTES)) - 1]
            item.next_attempt_at = now + timedelta(minutes=wait)
            item.last_error = str(error)[:2000]
        except client.Refused as error:
            item.state, item.answer, item.last_error = SyncState.FAILED, error.answer, str(error)
        else:
            item.state, item.answer, item.sent_at, item.last_error = (
                SyncState.SENT,
                answer,
                now,
                "",
            )
        item.save()
        return item.state if item.state != SyncState.PENDING else RETRY


def retry(item):
    """A person sends a failed item again (after fixing what the adapter refused)."""
    SyncItem.objects.filter(pk=item.pk, state=SyncState.FAILED).update(
        state=SyncState.PENDING, next_attempt_at=timezone.now()
    )
