"""The automatic metrics of the reform index: one unit's figures over a period, counted in
SQL from the dossiers, the procedure catalogue and the inspections.

The dossier metrics count through the reporting package's one definition
(``dossiers.reporting.counting``: the same querysets and conditions as the on-time report),
so the index and the leaders' figures never disagree:

- ``on_time_rate``: dossiers finished (resolved) in the period, early or on time / finished;
- ``online_share``: dossiers received in the period that were filed online / received;
- ``satisfaction``: ratings given in the period that are not "dissatisfied" / ratings;
- ``apology_share``: late dossiers finished in the period with an apology / late ones;
- ``published_procedures``: the unit's published procedures with every part a citizen
  needs (documents, steps, time limit, result, legal basis) / its published procedures —
  the catalogue as it stands, since the catalogue keeps no history;
- ``inspection_violations``: violations found by the published inspections of the period
  (numerator) over those inspections (denominator); a count, scored on the numerator.

A unit answers for its whole subtree (a town for its desk). Each metric gives, per unit,
the numerator and denominator (``figures``) and the records behind them (``records``).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from core.models import Unit
from dossiers.models import Dossier
from dossiers.reporting import counting
from procedures.models import Procedure, RequiredDocument

from . import rules
from .models import Inspection, Metric

ZERO = Decimal(0)


@dataclass(frozen=True)
class Figure:
    numerator: Decimal = ZERO
    denominator: Decimal = ZERO

    @property
    def ratio(self):
        return rules.ratio_of(self.numerator, self.denominator)

    def __add__(self, other):
        return Figure(self.numerator + other.numerator, self.denominator + other.denominator)


@dataclass(frozen=True)
class Records:
    """What one unit's figure is made of: ``base`` is what the denominator counts,
    ``counted`` what the numerator counts and ``shortfall`` the records that cost points
    (late dossiers, incomplete procedures, inspections with violations…). ``kind`` is
    "dossier", "procedure" or "inspection"."""

    kind: str
    base: object
    counted: object
    shortfall: object


class MetricDefinition:
    """Where a metric's records come from and which of them the numerator counts."""

    kind = "dossier"
    counts = False  # the rule reads the numerator itself, not the ratio
    unit_lookup = "receiving_unit"

    def base(self, first, last):
        raise NotImplementedError

    def counted(self):
        raise NotImplementedError

    def shortfall(self):
        return ~self.counted()

    def sums(self):
        return {
            "numerator": Count("pk", filter=self.counted()),
            "denominator": Count("pk"),
        }

    def figures(self, units, first, last):
        """{unit id: Figure} for every unit of ``units`` (zeros when nothing counts)."""
        units = list(units)
        owners = unit_members(units)
        found = {unit.pk: Figure() for unit in units}
        rows = (
            self.base(first, last)
            .filter(**{f"{self.unit_lookup}__in": list(owners)})
            .values(self.unit_lookup)
            .annotate(**self.sums())
            .order_by()
        )
        for row in rows:
            figure = Figure(Decimal(row["numerator"]), Decimal(row["denominator"]))
            for owner in owners[row[self.unit_lookup]]:
                found[owner] += figure
        return found

    def records(self, unit, first, last):
        subtree = Unit.objects.subtree(unit).values("pk")
        base = self.base(first, last).filter(**{f"{self.unit_lookup}__in": subtree})
        return Records(self.kind, base, base.filter(self.counted()), base.filter(self.shortfall()))


def unit_members(units):
    """{unit id: [ids of the given units whose subtree holds it]}."""
    if not units:
        return {}
    within = Q()
    for unit in units:
        within |= Q(path__startswith=unit.path)
    owners = defaultdict(list)
    for pk, path in Unit.objects.filter(within).values_list("pk", "path"):
        owners[pk] = [unit.pk for unit in units if path.startswith(unit.path)]
    return owners


class OnTimeRate(MetricDefinition):
    def base(self, first, last):
        return counting.finished(first, last)

    def counted(self):
        return counting.IN_TIME


class OnlineShare(MetricDefinition):
    def base(self, first, last):
        return counting.received(first, last)

    def counted(self):
        return counting.ONLINE


class SatisfactionShare(MetricDefinition):
    def base(self, first, last):
        # The dossiers behind the ratings of the period (a dossier has one rating).
        start, end = counting.day_bounds(first, last)
        return Dossier.objects.filter(rating__rated_at__gte=start, rating__rated_at__lt=end)

    def counted(self):
        return Q(rating__level__in=counting.SATISFIED_LEVELS)


class ApologyShare(MetricDefinition):
    def base(self, first, last):
        return counting.finished(first, last).filter(counting.LATE)

    def counted(self):
        return counting.WITH_APOLOGY


class PublishedProcedures(MetricDefinition):
    kind = "procedure"
    unit_lookup = "handling_units"

    def base(self, first, last):
        return Procedure.objects.published()

    def counted(self):
        documents = RequiredDocument.objects.filter(procedure=OuterRef("pk"))
        return (
            Q(Exists(documents))
            & ~Q(steps=[])
            & ~Q(legal_basis=[])
            & ~Q(result="")
            & (Q(time_limit_amount__gt=0) | Q(time_limit_unit="same_day"))
        )

    def records(self, unit, first, last):
        found = super().records(unit, first, last)
        # A procedure handled by two units of the subtree would be listed twice.
        return Records(
            found.kind, found.base.distinct(), found.counted.distinct(), found.shortfall.distinct()
        )


class InspectionViolations(MetricDefinition):
    kind = "inspection"
    counts = True
    unit_lookup = "unit"

    def base(self, first, last):
        return Inspection.objects.filter(published=True, date__gte=first, date__lte=last)

    def counted(self):
        return Q(violations__gt=0)

    def shortfall(self):
        return self.counted()

    def sums(self):
        return {"numerator": Coalesce(Sum("violations"), 0), "denominator": Count("pk")}


METRICS = {
    Metric.ON_TIME_RATE: OnTimeRate(),
    Metric.ONLINE_SHARE: OnlineShare(),
    Metric.SATISFACTION: SatisfactionShare(),
    Metric.APOLOGY_SHARE: ApologyShare(),
    Metric.PUBLISHED_PROCEDURES: PublishedProcedures(),
    Metric.INSPECTION_VIOLATIONS: InspectionViolations(),
}


def definition(metric):
    return METRICS[Metric(metric)]


def figures(metric, units, first, last):
    """{unit id: Figure(numerator, denominator)} of one metric for each unit."""
    return definition(metric).figures(units, first, last)


def records(metric, unit, first, last):
    """The Records (querysets) behind one unit's figure."""
    return definition(metric).records(unit, first, last)


def counts(metric):
    """True when the rule scores the numerator (a count) rather than the ratio."""
    return definition(metric).counts
