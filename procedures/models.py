from datetime import time
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from core.workdays import LimitUnit

from .search import fold, fold_words, relevance


class Level(models.TextChoices):
    PROVINCE = "province", _("Province level")
    DISTRICT = "district", _("District level")
    COMMUNE = "commune", _("Commune level")


class OnlineLevel(models.TextChoices):
    NONE = "none", _("Information and forms only")
    PARTIAL = "partial", _("Partly online")
    FULL = "full", _("Fully online")


class Channel(models.TextChoices):
    COUNTER = "counter", _("At the desk")
    ONLINE = "online", _("Online")
    POST = "post", _("By post")


class ApplicantType(models.TextChoices):
    PERSON = "person", _("Citizen")
    ORGANISATION = "organisation", _("Organisation / business")
    ANY = "any", _("Citizen or organisation")


class DocumentKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    NOTE = "note", _("Guidance note")
    CONDITION = "condition", _("Document needed only in a case")


LIMIT_UNIT_CHOICES = [
    (LimitUnit.WORKING_DAYS.value, _("working days")),
    (LimitUnit.WORKING_HOURS.value, _("working hours")),
    (LimitUnit.CALENDAR_DAYS.value, _("calendar days")),
    (LimitUnit.SAME_DAY.value, _("same day")),
]


class Field(models.Model):
    """A field of administration (lĩnh vực), e.g. Tư pháp."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


# The catalogue's order without a search; the code breaks ties, so that pages never repeat
# or skip a procedure.
CATALOGUE_ORDER = ("field__order", "field__name", "name", "code")


class ProcedureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def search(self, text):
        """Diacritics- and case-insensitive match on name, code and field, most relevant
        first (``search.relevance``): the one ranking of the catalogue page, the kiosk,
        the API and the desk's lookup."""
        words = fold(text).split()
        queryset = self
        for word in words:
            queryset = queryset.filter(search_text__contains=word)
        return queryset.order_by(*relevance(fold_words(text), connections[self.db].vendor))


class Procedure(models.Model):
    """An administrative procedure (TTHC) of the public catalogue. The terms a dossier is
    received under are frozen in a ProcedureVersion, so later edits never change them."""

    code = models.CharField(_("procedure code"), max_length=40, unique=True)
    # Real national records carry names of over 900 characters: no arbitrary cap.
    name = models.TextField(_("name"))
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    handling_units = models.ManyToManyField(
        Unit, verbose_name=_("handling units"), blank=True, related_name="procedures"
    )
    handling_agency = models.TextField(_("handling agency"), blank=True)
    applicant_type = models.CharField(
        _("applicant type"), max_length=20, choices=ApplicantType.choices, default=ApplicantType.ANY
    )
    applicants = models.JSONField(_("who may apply"), default=list, blank=True)
    kind = models.TextField(_("kind of procedure"), blank=True)

    # The default time limit (the counter channel's); channel_terms may differ per channel.
    time_limit_amount = models.DecimalField(
        _("time limit"),
        max_digits=7,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(3650))],
    )
    time_limit_unit = models.CharField(
        _("time limit unit"),
        max_length=20,
        choices=LIMIT_UNIT_CHOICES,
        default=LimitUnit.WORKING_DAYS.value,
    )
    same_day_cutoff = models.TimeField(_("same-day cut-off"), null=True, blank=True)
    # False when the record states no time limit: the limit above is then not to be used
    # and the procedure cannot be received until one is set (or the desk sets one).
    time_limit_stated = models.BooleanField(_("time limit stated"), default=True)
    time_limit_note = models.TextField(_("time limit note"), blank=True)
    # [{"channel": "online", "amount": "3", "unit": "working_days", "cutoff": "15:00"|None,
    #   "note": "...", "fees": [{"code", "amount", "currency", "description"}]}]
    channel_terms = models.JSONField(_("terms per channel"), default=list, blank=True)
    # How long the personal data of a finished dossier is kept; empty: the default from
    # settings (PERSONAL_DATA_RETENTION_YEARS).
    retention_years = models.PositiveSmallIntegerField(
        _("personal data kept (years)"), null=True, blank=True
    )

    fee_amount = models.DecimalField(
        _("fee (VND)"), max_digits=14, decimal_places=0, default=Decimal(0)
    )
    fee_description = models.TextField(_("fees"), blank=True)
    # [{"case": "...", "steps": ["...", ...]}]
    steps = models.JSONField(_("steps"), default=list, blank=True)
    result = models.TextField(_("result"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    # [{"number": "123/2015/NĐ-CP", "title": "..."}]
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    # [{"code": "1.000893", "name": "..."}]
    related = models.JSONField(_("related procedures"), default=list, blank=True)
    publication_decision = models.CharField(_("publication decision"), max_length=200, blank=True)

    online_level = models.CharField(
        _("online level"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    inter_agency = models.BooleanField(_("inter-agency"), default=False)
    published = models.BooleanField(_("published"), default=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)

    search_text = models.TextField(editable=False, default="")
    # The name's folded words alone, which search ranks by (search_text also holds the
    # code and the field, which must not count as words of the name).
    search_name = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["field__order", "name"]
        indexes = [
            models.Index(fields=["published", "field"]),
            models.Index(fields=["online_level"]),
            models.Index(fields=["level"]),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs):
        self.fill_search_columns()
        super().save(*args, **kwargs)

    def fill_search_columns(self):
        """Set the folded text ``objects.search`` matches and ranks by; bulk writes that
        skip save() call this too."""
        self.search_text = self.build_search_text()
        self.search_name = fold_words(self.name)

    def build_search_text(self):
        return fold(f"{self.code} {self.name} {self.field.name}")

    def terms_for(self, channel):
        """(amount, unit, cutoff) of the time limit for a channel, falling back to the
        default limit when the catalogue lists none for that channel."""
        for terms in self.channel_terms:
            if terms.get("channel") == channel and terms.get("unit"):
                cutoff = terms.get("cutoff")
                return (
                    Decimal(str(terms.get("amount") or 0)),
                    terms["unit"],
                    cutoff and _parse_time(cutoff),
                )
        return self.time_limit_amount, self.time_limit_unit, self.same_day_cutoff

    def states_limit_for(self, channel):
        """Whether the catalogue states a time limit for a dossier of ``channel``."""
        if any(t.get("channel") == channel and t.get("unit") for t in self.channel_terms):
            return True
        return self.time_limit_stated

    @property
    def is_online(self):
        return self.online_level != OnlineLevel.NONE


def _parse_time(text):
    hours, minutes = text.split(":")[:2]
    return time(int(hours), int(minutes))


class RequiredDocument(models.Model):
    """A document of the dossier (thành phần hồ sơ), per case."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="documents", verbose_name=_("procedure")
    )
    # Free text: the national records hold case headings of several hundred characters.
    case = models.TextField(_("case"), blank=True)
    name = models.TextField(_("name"))
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    form_name = models.CharField(_("form"), max_length=300, blank=True)
    form_url = models.URLField(_("form link"), max_length=500, blank=True)
    form_file = models.FileField(_("form file"), upload_to="forms/", blank=True)
    is_required = models.BooleanField(_("required"), default=True)
    # Notes (Lưu ý) and conditional lines are shown with the documents, but only papers
    # (documents and conditions) become components of a dossier.
    kind = models.CharField(
        _("kind"), max_length=10, choices=DocumentKind.choices, default=DocumentKind.DOCUMENT
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["procedure", "order", "pk"]

    def __str__(self):
        return self.name[:80]

    @property
    def is_paper(self):
        return self.kind != DocumentKind.NOTE


class WorkflowStep(models.Model):
    """An internal handling step (quy trình nội bộ) with its share of the time limit."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="workflow", verbose_name=_("procedure")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL
    )
    role = models.CharField(_("role"), max_length=30, blank=True)
    share = models.DecimalField(
        _("share of the time limit (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["procedure", "order"]

    def __str__(self):
        return self.name


class ProcedureVersion(models.Model):
    """The terms of a procedure at one moment: what a dossier was received under."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("terms"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique")
        ]

    def __str__(self):
        return f"{self.procedure.code} v{self.number}"
