"""What a dossier is made of: one component per paper of its procedure version (DESIGN
§3.9) — handed over or not, in which form, how many, the scan and whether it was reused."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.models import RequiredDocument

from .dossier import Dossier
from .records import Attachment


class PaperForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    COPY = "copy", _("Copy")


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
    reused = models.BooleanField(_("reused from earlier data"), default=False)

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
