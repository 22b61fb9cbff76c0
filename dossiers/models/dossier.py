"""The dossier itself: its statuses, the one scoping rule (``visible_to``) and the day's
numbering."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.models import Unit, UnitKind
from core.roles import Role
from core.validators import NAME_MAX_LENGTH, validate_id_or_tax_code, validate_name, validate_phone
from core.workdays import Verdict
from procedures.models import LIMIT_UNIT_CHOICES, Channel, Procedure, ProcedureVersion

from .fields import officer_field


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for the desk's check")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused")
    IN_PROGRESS = "in_progress", _("Being handled")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Waiting for supplements")
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Withdrawal requested")
    STOPPED = "stopped", _("Handling stopped")
    RESOLVED = "resolved", _("Result ready")
    RETURNED = "returned", _("Result returned")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Citizen")
    ORGANISATION = "organisation", _("Organisation / business")


VERDICT_CHOICES = [
    (Verdict.EARLY.value, _("Early")),
    (Verdict.ON_TIME.value, _("On time")),
    (Verdict.LATE.value, _("Late")),
]


def service_unit(unit):
    """The unit a staff member works for: a one-stop centre serves its parent unit."""
    if unit is not None and unit.kind == UnitKind.CENTRE and unit.parent_id:
        return unit.parent
    return unit


# Still open, or left handling (resolved, or closed otherwise) after its due time: the
# dossiers whose due time "falls", counted as overdue from that moment by the statistics.
DUE_FALLS = (
    Q(resolved_at__isnull=True, closed_at__isnull=True)
    | Q(resolved_at__gt=F("due_at"))
    | Q(resolved_at__isnull=True, closed_at__gt=F("due_at"))
)


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule: every list, filter, export and report starts here.

        - superusers see everything;
        - citizens see the dossiers they filed;
        - desk officers see the dossiers their desk received;
        - specialists see the dossiers with their unit (or below);
        - unit leaders, leaders and index officers see everything received or handled in
          their unit's subtree.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        scope = Q(applicant_user=user) if user.has_role(Role.CITIZEN) else Q(pk__in=[])
        unit = service_unit(user.unit)
        if unit is not None:
            subtree = Unit.objects.subtree(unit).values("pk")
            if user.has_role(Role.UNIT_LEADER, Role.LEADER, Role.INDEX_OFFICER):
                scope |= Q(receiving_unit__in=subtree) | Q(handling_unit__in=subtree)
            if user.has_role(Role.DESK_OFFICER):
                scope |= Q(receiving_unit=unit)
            if user.has_role(Role.SPECIALIST):
                scope |= Q(handling_unit__in=Unit.objects.subtree(user.unit).values("pk"))
        return self.filter(scope)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def clock_running(self):
        return self.filter(status__in=CLOCK_RUNNING_STATUSES)

    def overdue(self, now):
        return self.clock_running().filter(due_at__lt=now)

    def finished(self):
        return self.filter(status__in=[Status.RESOLVED, Status.RETURNED])


FINAL_STATUSES = frozenset({Status.REFUSED, Status.STOPPED, Status.RETURNED})
OPEN_STATUSES = frozenset(set(Status) - FINAL_STATUSES - {Status.RESOLVED})
# The clock runs while the administration holds the dossier; supplement and payment waits
# are the applicant's time and pause it.
CLOCK_RUNNING_STATUSES = frozenset(
    {Status.RECEIVED, Status.IN_PROGRESS, Status.WITHDRAWAL_REQUESTED}
)


class Dossier(models.Model):
    """One application (hồ sơ) filed online or at the desk."""

    code = models.CharField(_("dossier code"), max_length=60, unique=True)
    # The code another system gave the dossier (the national portal's, for dossiers filed
    # there): lookups find the dossier by either code.
    external_code = models.CharField(
        _("national dossier code"), max_length=60, blank=True, default=""
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("procedure version"), on_delete=models.PROTECT
    )
    receiving_unit = models.ForeignKey(
        Unit, verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="+"
    )
    handling_unit = models.ForeignKey(
        Unit, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="+"
    )
    handler = officer_field(_("handling officer"))
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    applicant_kind = models.CharField(
        _("applicant type"),
        max_length=20,
        choices=ApplicantKind.choices,
        default=ApplicantKind.PERSON,
    )
    applicant_name = models.CharField(
        _("applicant name"), max_length=NAME_MAX_LENGTH, validators=[validate_name]
    )
    # Citizens give their CCCD, organisations their tax code (applicants.applicant_id_validator).
    applicant_id_number = models.CharField(
        _("ID / tax number"), max_length=20, blank=True, validators=[validate_id_or_tax_code]
    )
    applicant_phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone])
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=255, blank=True)
    summary = models.TextField(_("request"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.SUBMITTED
    )

    # The time limit the dossier was received under (from its procedure version).
    limit_amount = models.DecimalField(_("time limit"), max_digits=7, decimal_places=2)
    limit_unit = models.CharField(_("time limit unit"), max_length=20, choices=LIMIT_UNIT_CHOICES)
    limit_cutoff = models.TimeField(_("same-day cut-off"), null=True, blank=True)
    # Why the desk set the time limit at intake (the catalogue stated none); blank otherwise.
    limit_reason = models.TextField(_("reason for the desk's time limit"), blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    verdict = models.CharField(
        _("verdict"), max_length=10, choices=VERDICT_CHOICES, blank=True, default=""
    )
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    apology_count = models.PositiveSmallIntegerField(_("apologies"), default=0)
    # The working time the limit allows, fixed at receipt; step shares are cut from it.
    allowance = models.DurationField(_("working time allowed"), null=True, blank=True)
    step_index = models.PositiveSmallIntegerField(_("workflow step"), default=0)
    step_due_at = models.DateTimeField(_("step due at"), null=True, blank=True)
    # Set when the retention period has passed and the personal data was pseudonymised.
    personal_data_erased_at = models.DateTimeField(
        _("personal data erased at"), null=True, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["receiving_unit", "status"], name="dossier_recv_status"),
            models.Index(fields=["handling_unit", "status"], name="dossier_handling_status"),
            models.Index(fields=["receiving_unit", "received_at"], name="dossier_recv_time"),
            models.Index(fields=["procedure", "received_at"], name="dossier_proc_time"),
            models.Index(fields=["applicant_user", "-created_at"], name="dossier_applicant"),
            models.Index(fields=["resolved_at"], name="dossier_resolved"),
            # The late ones among them (why late): a small share, found without a scan.
            models.Index(
                fields=["resolved_at"],
                name="dossier_late_resolved",
                condition=Q(verdict=Verdict.LATE.value),
            ),
            models.Index(fields=["-created_at", "-id"], name="dossier_recent"),
            # The live part of the statistics (the days not rolled up yet, usually today)
            # looks dossiers up by the instant each flow happened.
            models.Index(fields=["received_at"], name="dossier_received"),
            # Partial: a plain due-time index would draw the overdue lists (running
            # dossiers, soonest due first) into walking every finished dossier's due time.
            models.Index(fields=["due_at"], name="dossier_due_falls", condition=DUE_FALLS),
            models.Index(Coalesce("resolved_at", "closed_at"), name="dossier_left"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_code"],
                condition=~Q(external_code=""),
                name="dossier_external_code",
            )
        ]

    def __str__(self):
        return self.code

    @property
    def is_final(self):
        return self.status in FINAL_STATUSES

    @property
    def clock_running(self):
        return self.status in CLOCK_RUNNING_STATUSES


class DailySequence(models.Model):
    """The last dossier number issued by a unit on a day; locked to number safely."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="daily_sequence_unique")
        ]

    def __str__(self):
        return f"{self.unit_id} {self.day}: {self.last}"
