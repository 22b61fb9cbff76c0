"""The sync outbox: one row per message owed to the national portal, written in the same
transaction as the dossier change it reports, sent in order per dossier."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier, DossierEvent


class SyncKind(models.TextChoices):
    UPSERT = "upsert", _("Dossier upsert")
    STEP = "step", _("Processing step")


class SyncState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class SyncItem(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="sync_items")
    event = models.ForeignKey(
        DossierEvent, verbose_name=_("event"), null=True, on_delete=models.SET_NULL
    )
    kind = models.CharField(max_length=10, choices=SyncKind.choices)
    payload = models.JSONField(_("payload"))
    state = models.CharField(
        max_length=10, choices=SyncState.choices, default=SyncState.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    answer = models.JSONField(_("answer"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sync item")
        verbose_name_plural = _("sync items")
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="sync_pending_due",
            ),
            models.Index(fields=["dossier", "id"], name="sync_dossier_order"),
        ]

    def __str__(self):
        return f"{self.dossier_id} · {self.kind} · {self.state}"
