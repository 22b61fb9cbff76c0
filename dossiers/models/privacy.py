"""Who read a dossier's personal data (Personal Data Protection Law 91/2025): one row per
staff read of its page, API record, printed form, paper or export line. The citizen sees
them on their dossier page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Unit

from .dossier import Dossier


class ReadKind(models.TextChoices):
    PAGE = "page", _("Dossier page")
    API = "api", _("API")
    PRINT = "print", _("Printed form")
    DOWNLOAD = "download", _("Paper downloaded")
    EXPORT = "export", _("Export")


class DossierRead(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The reader's unit when they read, kept if they move.
    reader_unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("read at"))
    kind = models.CharField(_("what was read"), max_length=20, choices=ReadKind.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal data read")
        verbose_name_plural = _("personal data reads")
        ordering = ["dossier", "-at", "-pk"]
        indexes = [models.Index(fields=["dossier", "-at"], name="dossier_read_time")]

    def __str__(self):
        return f"{self.dossier_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
