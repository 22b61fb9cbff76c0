import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.models import Unit, UnitKind
from core.roles import Role
from core.validators import NAME_MAX_LENGTH, validate_id_or_tax_code, validate_name, validate_phone
from core.workdays import Verdict
from procedures.models import (
    LIMIT_UNIT_CHOICES,
    Channel,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
)


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
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handling officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
            models.Index(fields=["-created_at", "-id"], name="dossier_recent"),
            # The live part of the statistics (the days not rolled up yet, usually today)
            # looks dossiers up by the instant each flow happened.
            models.Index(fields=["received_at"], name="dossier_received"),
            # Partial: a plain due-time index would draw the overdue lists (running
            # dossiers, soonest due first) into walking every finished dossier's due time.
            models.Index(fields=["due_at"], name="dossier_due_falls", condition=DUE_FALLS),
            models.Index(Coalesce("resolved_at", "closed_at"), name="dossier_left"),
        ]

    def __str__(self):
        return self.code

    @property
    def is_final(self):
        return self.status in FINAL_STATUSES

    @property
    def clock_running(self):
        return self.status in CLOCK_RUNNING_STATUSES


class DossierEvent(models.Model):
    """One line of the audit trail and tracking slip. Append-only: never edited."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
        indexes = [models.Index(fields=["dossier", "at"], name="event_dossier_time")]

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


class Rating(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    level = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["rated_at"], name="rating_time")]

    def __str__(self):
        return f"{self.dossier} — {self.get_level_display()}"


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


class NotificationKind(models.TextChoices):
    RECEIVED = "received", _("Dossier received")
    REFUSED = "refused", _("Dossier refused")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    APOLOGY = "apology", _("Apology and new appointment")
    RESOLVED = "resolved", _("Result ready")
    STOPPED = "stopped", _("Handling stopped")


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


class Flows(models.Model):
    """What happened to the dossiers of one receiving unit and field over a stretch of
    time. Flows only; open and overdue counts at any date are running sums of
    (received - left) and (due_fell - left_overdue).

    Derived rows, rebuilt from the dossiers by the roll-up: their foreign keys carry no
    database constraint, whose checks cost a year's roll-up more time than writing the rows
    (Django still cascades deletions)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    field = models.ForeignKey(
        "procedures.Field", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    received = models.PositiveIntegerField(default=0)
    received_online = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    early = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    late_with_apology = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)  # left handling: resolved, stopped, refused
    left_overdue = models.PositiveIntegerField(default=0)
    due_fell = models.PositiveIntegerField(default=0)  # became overdue that day
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyStat(Flows):
    """The nightly roll-up: one procedure's flows at one receiving unit on one day."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "unit", "procedure"], name="daily_stat_unique")
        ]
        indexes = [models.Index(fields=["unit", "day"], name="daily_stat_unit_day")]

    def __str__(self):
        return f"{self.day} {self.unit_id} {self.procedure_id}"


class MonthlyStat(Flows):
    """The daily roll-up summed per unit, field and calendar month, kept in step with it:
    reports over whole months read a few thousand of these instead of a row per
    procedure and day."""

    month = models.DateField()  # the first day of the month

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "unit", "field"], name="monthly_stat_unique")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.unit_id} {self.field_id}"


class RollupState(models.Model):
    """How far the roll-up is complete; reports count live after this day."""

    rolled_through = models.DateField(null=True)

    def __str__(self):
        return f"rolled through {self.rolled_through}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    STEP_BEHIND = "step_behind", _("Step behind schedule")
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
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "dossier", "key"],
                name="reminder_once",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(fields=["id"], name="reminder_unsent", condition=Q(sent_at__isnull=True))
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id} ({self.key})"


HELD_UPLOAD_HOURS = 24


class HeldUploadQuerySet(models.QuerySet):
    def fresh(self, now):
        return self.filter(held_at__gte=_held_since(now))

    def stale(self, now):
        return self.filter(held_at__lt=_held_since(now))


def _held_since(now):
    return now - timedelta(hours=HELD_UPLOAD_HOURS)


class HeldUpload(models.Model):
    """A file that passed the upload checks on a form that failed for another reason,
    kept for its owner so that they need not choose it again. The form carries only the
    random key; a held file is used for its owner alone, once, and discarded after
    ``HELD_UPLOAD_HOURS``."""

    key = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="held/%Y/%m/%d/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    held_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = HeldUploadQuerySet.as_manager()

    def __str__(self):
        return self.original_name

    def reopen(self):
        """The held file as a new upload, under the name it was chosen with."""
        with self.file.open("rb") as stored:
            return ContentFile(stored.read(), name=self.original_name)
