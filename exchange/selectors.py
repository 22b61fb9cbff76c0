"""Reads of the outbox: one dossier's sync state, the outbox's health, and the share of
dossiers synchronised per unit and period (the service index's indicator 1.4)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone

from dossiers.reporting.counting import received

from .models import SyncItem, SyncKind, SyncState


@dataclass(frozen=True)
class DossierSync:
    state: str  # "synced", "pending", "failed" or "none"
    sent: int
    unsent: int
    last_error: str
    failed_item: object  # the SyncItem a person must look at, if any


def dossier_sync(dossier):
    items = list(SyncItem.objects.filter(dossier=dossier).order_by("pk"))
    if not items:
        return DossierSync("none", 0, 0, "", None)
    unsent = [item for item in items if item.state != SyncState.SENT]
    failed = next((item for item in unsent if item.state == SyncState.FAILED), None)
    state = "failed" if failed else "pending" if unsent else "synced"
    last_error = (failed or (unsent[0] if unsent else items[-1])).last_error
    return DossierSync(state, len(items) - len(unsent), len(unsent), last_error, failed)


@dataclass(frozen=True)
class OutboxHealth:
    pending: int
    failed: int
    oldest_pending_at: object
    lag_seconds: int | None
    failures_by_reason: list  # (reason, count), most frequent first


def outbox_health(now=None):
    now = now or timezone.now()
    counts = SyncItem.objects.aggregate(
        pending=Count("pk", filter=Q(state=SyncState.PENDING)),
        failed=Count("pk", filter=Q(state=SyncState.FAILED)),
        oldest=Min("queued_at", filter=Q(state=SyncState.PENDING)),
    )
    reasons = (
        SyncItem.objects.filter(state=SyncState.FAILED)
        .values("last_error")
        .annotate(count=Count("pk"))
        .order_by("-count", "last_error")[:10]
    )
    oldest = counts["oldest"]
    return OutboxHealth(
        pending=counts["pending"],
        failed=counts["failed"],
        oldest_pending_at=oldest,
        lag_seconds=int((now - oldest).total_seconds()) if oldest else None,
        failures_by_reason=[(row["last_error"], row["count"]) for row in reasons],
    )


@dataclass
class SyncRow:
    code: str
    name: str
    received: int = 0
    synced: int = 0  # of those, with every message accepted by the national portal

    @property
    def sync_rate(self):
        return round(100 * self.synced / self.received, 1) if self.received else None


def sync_figures(first, last, dossiers):
    """Per receiving unit, the dossiers of ``dossiers`` (start from ``visible_to``)
    received in days first..last and how many are synchronised: one query."""
    accepted = SyncItem.objects.filter(
        dossier=OuterRef("pk"), kind=SyncKind.UPSERT, state=SyncState.SENT
    )
    waiting = SyncItem.objects.filter(dossier=OuterRef("pk")).exclude(state=SyncState.SENT)
    unit = ("receiving_unit__code", "receiving_unit__name")
    rows = (
        received(first, last, dossiers)
        .values(*unit)
        .annotate(
            received=Count("pk"),
            synced=Count("pk", filter=Q(Exists(accepted)) & ~Q(Exists(waiting))),
        )
        .order_by(unit[0])
    )
    return [SyncRow(row[unit[0]], row[unit[1]], row["received"], row["synced"]) for row in rows]
