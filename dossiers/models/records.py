"""What a dossier gathers as it goes: the events of its audit trail, its attachments,
supplement requests, apologies and rating."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from procedures.models import RequiredDocument

from .dossier import Dossier, Status
from .fields import officer_field


class DossierEvent(models.Model):
    """One line of the audit trail and tracking slip. Append-only: never edited."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    actor = officer_field(_("by"))
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(_("from status"), max_length=24, blank=True)
    to_status = models.CharField(_("to status"), max_length=24, choices=Status.choices)
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("from unit"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("to unit"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    due_at = models.DateTimeField(_("due at then"), null=True, blank=True)
    step_name = models.CharField(_("step"), max_length=300, blank=True)
    step_due_at = models.DateTimeField(_("step due at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "at", "pk"]
        indexes = [
            # Who held a dossier at a given instant is its last event at or before it
            # (why late): ordered like the trail and carrying the unit, the lookup reads
            # the index alone.
            models.Index(
                fields=["dossier", "at", "id"], include=["to_unit"], name="event_dossier_time"
            )
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.action} {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Dossier events are append-only.")
        super().save(*args, **kwargs)


class AttachmentKind(models.TextChoices):
    APPLICATION = "application", _("Application document")
    SUPPLEMENT = "supplement", _("Supplement")
    RESULT = "result", _("Result")


class Attachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(
        _("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.APPLICATION
    )
    document = models.ForeignKey(
        RequiredDocument,
        verbose_name=_("required document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    file = models.FileField(_("file"), upload_to="dossiers/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["dossier", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class SupplementRequest(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.TextField(_("what to supplement and why"))
    during_handling = models.BooleanField(default=False)
    fulfilled_at = models.DateTimeField(_("supplemented at"), null=True, blank=True)
    fulfilled_note = models.TextField(_("applicant's note"), blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["dossier", "requested_at"]

    def __str__(self):
        return f"{self.dossier} — {self.requested_at:%d/%m/%Y}"


class Apology(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    reason = models.TextField(_("reason for the delay"))
    previous_appointment_at = models.DateTimeField(_("previous appointment"))
    new_appointment_at = models.DateTimeField(_("new appointment"))

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")
        ordering = ["dossier", "issued_at"]

    def __str__(self):
        return f"{self.dossier} — {self.issued_at:%d/%m/%Y}"


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class RatingChannel(models.TextChoices):
    ACCOUNT = "account", _("The applicant's account")
    COUNTER_DEVICE = "counter_device", _("Rating device at the counter")


class Rating(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    level = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"))
    channel = models.CharField(
        _("rated through"),
        max_length=20,
        choices=RatingChannel.choices,
        default=RatingChannel.ACCOUNT,
    )
    # The desk officer who handed the counter device to the applicant (never the rater).
    device_opened_by = officer_field(_("device opened by"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["rated_at"], name="rating_time")]

    def __str__(self):
        return f"{self.dossier} — {self.get_level_display()}"
