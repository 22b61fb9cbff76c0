"""The internal steps of a dossier (quy trình nội bộ): copied from its procedure version's
workflow at receipt, each with its handler, its share of the time limit as a due time,
and its verdict once finished. They live inside the "being handled" status."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from core.roles import Role

from .dossier import VERDICT_CHOICES, Dossier
from .fields import officer_field


class DossierStepQuerySet(models.QuerySet):
    def current(self):
        """The step each dossier is at: started and not finished."""
        return self.filter(started_at__isnull=False, finished_at__isnull=True)

    def pending(self):
        return self.filter(finished_at__isnull=True)


class DossierStep(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=30, blank=True)
    share = models.DecimalField(_("share of the time limit (%)"), max_digits=5, decimal_places=2)
    handler = officer_field(_("handling officer"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    verdict = models.CharField(
        _("verdict"), max_length=10, choices=VERDICT_CHOICES, blank=True, default=""
    )
    approved_by = officer_field(_("approved by"))
    rework_count = models.PositiveSmallIntegerField(_("returned for rework"), default=0)

    objects = DossierStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["dossier", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossier_step_order")
        ]
        indexes = [
            models.Index(
                fields=["handler", "due_at"],
                name="dossier_step_current",
                condition=Q(started_at__isnull=False, finished_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.dossier_id} #{self.order} {self.name}"

    @property
    def is_approval(self):
        """A step for the unit leader is the leader's approval."""
        return self.role == Role.UNIT_LEADER

    def budget(self, dossier=None):
        """The working time the step may take: its share of the dossier's allowance."""
        allowance = (dossier or self.dossier).allowance
        if not allowance:
            return None
        return allowance * float(self.share) / 100

    @property
    def is_current(self):
        return self.started_at is not None and self.finished_at is None


class StepRework(models.Model):
    """A return of the dossier from one step to the previous one, with the reason."""

    step = models.ForeignKey(DossierStep, on_delete=models.CASCADE, related_name="reworks")
    returned_from = models.ForeignKey(
        DossierStep, on_delete=models.CASCADE, related_name="+", verbose_name=_("from step")
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("return for rework")
        verbose_name_plural = _("returns for rework")
        ordering = ["step", "at", "pk"]

    def __str__(self):
        return f"{self.returned_from_id} → {self.step_id}"
