from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from core.workdays import TZ

from .roles import assessed_unit_id, sees_everything


class ScorecardState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    APPRAISAL = "appraisal", _("Appraisal")
    PUBLISHED = "published", _("Published")


class ScorecardQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for scorecards: published ones for everyone; unit leaders
        also see those in progress; index officers, leaders and superusers see drafts
        too."""
        if sees_everything(user):
            return self
        if assessed_unit_id(user) is not None:
            return self.exclude(state=ScorecardState.DRAFT)
        return self.filter(state=ScorecardState.PUBLISHED)


class Scorecard(models.Model):
    """The reform index of one year: its criteria tree, grade bands and the units'
    assessments. Frozen at publication."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    state = models.CharField(
        _("state"), max_length=20, choices=ScorecardState.choices, default=ScorecardState.DRAFT
    )
    # Share of the 100 points from a sociological survey (0 when there is none: the
    # appraised self-score is then scaled to 100).
    survey_points = models.DecimalField(
        _("survey points"), max_digits=6, decimal_places=2, default=Decimal(0)
    )
    # [{"grade": "Xuất sắc", "min": 90}, {"grade": "Tốt", "min": 80}, ...] highest first.
    grade_bands = models.JSONField(_("grade bands"), default=list)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set only when a leader published before the period ended, saying why.
    early_publication_reason = models.TextField(_("reason for publishing early"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-year"]

    def __str__(self):
        return self.title

    @property
    def is_frozen(self):
        return self.state == ScorecardState.PUBLISHED

    def period_has_ended(self, now):
        """Whether ``period_end`` is over on the calendar of Hà Nội at ``now``."""
        return now.astimezone(TZ).date() > self.period_end


class CriterionKind(models.TextChoices):
    MANUAL = "manual", _("Scored by appraisal")
    AUTOMATIC = "automatic", _("Computed from the portal's data")


class Metric(models.TextChoices):
    ON_TIME_RATE = "on_time_rate", _("On-time rate of finished dossiers")
    ONLINE_SHARE = "online_share", _("Share of dossiers filed online")
    SATISFACTION = "satisfaction", _("Share of satisfied ratings")
    APOLOGY_SHARE = "apology_share", _("Share of late dossiers with an apology")
    PUBLISHED_PROCEDURES = "published_procedures", _("Published procedures with all parts")
    INSPECTION_VIOLATIONS = "inspection_violations", _("Violations found by inspections")


class Rule(models.TextChoices):
    RATIO = "ratio", _("Points = max × min(1, ratio / threshold)")
    BANDS = "bands", _("Points by bands")


class Criterion(models.Model):
    """A node of the criteria tree: area → criterion → sub-criterion. Leaves are scored;
    a parent's points are the sum of its children's."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent criterion"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=500)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    guidance = models.TextField(_("guidance"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.MANUAL
    )
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices, blank=True)
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices, blank=True)
    # ratio: {"threshold": 0.95, "inverse": false}; bands: [{"min": 0.98, "points": 3}, ...]
    # (bands highest first; for counts such as violations, {"max": 0, "points": 2}).
    rule_params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["scorecard", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "code"], name="criterion_code_unique")
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Being filled in")
    SUBMITTED = "submitted", _("Submitted for appraisal")
    APPRAISED = "appraised", _("Appraised")


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for assessments: every unit's once its scorecard is
        published, and always for index officers, leaders and superusers; a unit leader
        also sees their own unit's while its scorecard is in progress."""
        if sees_everything(user):
            return self
        published = models.Q(scorecard__state=ScorecardState.PUBLISHED)
        unit_id = assessed_unit_id(user)
        if unit_id is not None:
            in_progress = ~models.Q(scorecard__state=ScorecardState.DRAFT)
            return self.filter(published | models.Q(unit_id=unit_id) & in_progress)
        return self.filter(published)


class Assessment(models.Model):
    """One unit's assessment under a scorecard: its self-assessment and appraisal, and
    after publication its frozen total, rank and grade."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assessments")
    state = models.CharField(
        _("state"), max_length=12, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    appraised_at = models.DateTimeField(_("appraised at"), null=True, blank=True)
    survey_score = models.DecimalField(
        _("survey score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # Frozen at publication.
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=60, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["scorecard", "rank", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "unit"], name="assessment_unique")
        ]

    def __str__(self):
        return f"{self.scorecard.year} — {self.unit}"


class Score(models.Model):
    """The points of one leaf criterion in one assessment, with how they were reached."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    self_points = models.DecimalField(
        _("self-assessed points"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    self_note = models.TextField(_("self-assessment note"), blank=True)
    evidence_links = models.JSONField(_("evidence links"), default=list, blank=True)
    appraised_points = models.DecimalField(
        _("appraised points"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    appraisal_comment = models.TextField(_("appraisal comment"), blank=True)
    # For automatic criteria: what the points were computed from.
    auto_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_unique")
        ]

    def __str__(self):
        return f"{self.assessment} {self.criterion.code}"


class Evidence(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="evidence/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name


class InspectionKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    UNANNOUNCED = "unannounced", _("Unannounced")


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for inspections: published ones for everyone; all for
        index officers, leaders and superusers; a unit leader also sees their own
        unit's."""
        if sees_everything(user):
            return self
        published = models.Q(published=True)
        unit_id = assessed_unit_id(user)
        if unit_id is not None:
            return self.filter(published | models.Q(unit_id=unit_id))
        return self.filter(published)


class Inspection(models.Model):
    """A discipline inspection (kiểm tra công vụ) of a unit."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspections")
    date = models.DateField(_("date"))
    team = models.CharField(_("inspection team"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices)
    findings = models.TextField(_("findings"), blank=True)
    violations = models.PositiveSmallIntegerField(_("violations"), default=0)
    follow_up = models.TextField(_("follow-up"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date"]
        indexes = [models.Index(fields=["unit", "date"], name="inspection_unit_date")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} — {self.unit}"
