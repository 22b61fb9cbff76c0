"""The outboxes: messages to applicants about their dossiers, and reminders and reports
owed to staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .dossier import Dossier
from .records import DossierEvent


class NotificationKind(models.TextChoices):
    RECEIVED = "received", _("Dossier received")
    REFUSED = "refused", _("Dossier refused")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    APOLOGY = "apology", _("Apology and new appointment")
    RESOLVED = "resolved", _("Result ready")
    STOPPED = "stopped", _("Handling stopped")
    PAID = "paid", _("Fees paid")


class Notification(models.Model):
    """A message to the applicant about a dossier (the outbox): written with the event,
    sent by a worker, marked sent once."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(
        DossierEvent, null=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(max_length=10)  # "email" or "sms"
    recipient = models.CharField(max_length=255)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "channel"], name="notification_once_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["id"], name="notification_unsent", condition=Q(sent_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    STEP_BEHIND = "step_behind", _("Step behind schedule")
    STEP_DUE_SOON = "step_due_soon", _("Step due soon")
    DAILY_DIGEST = "daily_digest", _("Daily digest")
    MONTHLY_REPORT = "monthly_report", _("Monthly on-time report")


class Reminder(models.Model):
    """A reminder or report owed to a member of staff. The unique key makes a sweep that
    runs twice, or two sweeps at once, owe it only once; ``sent_at`` marks it done."""

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    # What the reminder is about: the due time for dossiers, the day for digests.
    key = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        # Digests have no dossier. Two partial keys rather than one with NULLS NOT
        # DISTINCT, which SQLite (the demo's database) cannot enforce.
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "dossier", "key"],
                name="reminder_once",
                condition=Q(dossier__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient", "key"],
                name="reminder_once_without_dossier",
                condition=Q(dossier__isnull=True),
            ),
        ]
        indexes = [
            models.Index(fields=["id"], name="reminder_unsent", condition=Q(sent_at__isnull=True))
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id} ({self.key})"
