"""Electronic results: a result document the portal signed as the competent agency (PAdES),
kept as the dossier's result attachment. The identifier in its stamp's QR code opens the
public verification page."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Unit

from .dossier import Dossier
from .records import Attachment


class ElectronicResult(models.Model):
    public_id = models.UUIDField(_("verification code"), default=uuid.uuid4, unique=True)
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="electronic_results",
    )
    attachment = models.OneToOneField(
        Attachment,
        verbose_name=_("signed file"),
        on_delete=models.CASCADE,
        related_name="electronic_result",
    )
    agency = models.ForeignKey(
        Unit, verbose_name=_("signing agency"), on_delete=models.PROTECT, related_name="+"
    )
    # The certificate's subject as it reads, and its fingerprint: what the signature names.
    signer = models.CharField(_("signed as"), max_length=500)
    certificate_sha256 = models.CharField(_("certificate fingerprint (SHA-256)"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("electronic result")
        verbose_name_plural = _("electronic results")
        ordering = ["dossier", "signed_at", "pk"]

    def __str__(self):
        return f"{self.dossier.code} · {self.signed_at:%d/%m/%Y %H:%M}"
