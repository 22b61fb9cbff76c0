"""What a dossier is made of: one component per paper of its procedure version (DESIGN
§3.9) — handed over or not, in which form, how many, the scan and whether it was reused."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from procedures.models import RequiredDocument

from .dossier import Dossier
from .records import Attachment
from .store import CitizenDocument


class PaperForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    COPY = "copy", _("Copy")


class Exemption(models.TextChoices):
    """Papers Circular 03/2025 needs no scan of: recorded as such, never as missing."""

    FILED_ONLINE = "filed_online", _("Already filed online")
    SHOWN_FOR_CHECKING = "shown_for_checking", _("Shown only for checking")
    PRODUCED_IN_HANDLING = "produced_in_handling", _("Produced during handling")
    CONFIDENTIAL = "confidential", _("Confidential")


# A paper received and neither scanned nor exempt: the one definition of "left to scan".
LEFT_TO_SCAN = Q(handed_over=True, digitised=False, exemption="")


class DossierComponent(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    document = models.ForeignKey(
        RequiredDocument,
        verbose_name=_("required document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The document's wording when the dossier was received: the catalogue may change later.
    name = models.TextField(_("name"))
    case = models.TextField(_("case"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    handed_over = models.BooleanField(_("handed over"), default=False)
    form = models.CharField(
        _("form"), max_length=20, choices=PaperForm.choices, default=PaperForm.ORIGINAL
    )
    count = models.PositiveSmallIntegerField(_("count"), default=1)
    scan = models.ForeignKey(
        Attachment,
        verbose_name=_("scan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    digitised = models.BooleanField(_("digitised"), default=False)
    exemption = models.CharField(
        _("exempt from scanning"), max_length=24, choices=Exemption.choices, blank=True
    )
    # Who scanned the paper or recorded its exemption, and when.
    digitised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("digitised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    digitised_at = models.DateTimeField(_("digitised at"), null=True, blank=True)
    reused = models.BooleanField(_("reused from earlier data"), default=False)
    reused_from = models.ForeignKey(
        CitizenDocument,
        verbose_name=_("reused from the citizen's store"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["dossier", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "document"], name="dossier_component_document_unique"
            )
        ]

    def __str__(self):
        return self.name[:80]


def fully_digitised_expression():
    """For ``annotate``: the dossier has no component left to scan."""
    return ~Exists(DossierComponent.objects.filter(LEFT_TO_SCAN, dossier=OuterRef("pk")))


def is_fully_digitised(dossier):
    """Every received paper of the dossier is scanned or exempt (``fully_digitised`` when
    the dossier was read with ``fully_digitised_expression``)."""
    known = getattr(dossier, "fully_digitised", None)
    if known is not None:
        return known
    return not dossier.components.filter(LEFT_TO_SCAN).exists()
