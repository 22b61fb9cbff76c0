"""Reform index factories shared by every test of the index (engine, pages, dashboard).

scorecard = ScorecardFactory(year=2026)                       # draft, 100-point bands
ScorecardFactory(self_assessment=True) / (appraisal=True) / (published=True)
area = CriterionFactory(scorecard=scorecard, code="I", max_points=20)
CriterionFactory(scorecard=scorecard, parent=area, code="I.1", max_points=20)
CriterionFactory(..., on_time=True)       # automatic: on-time rate, ratio ≥ 0.98
AssessmentFactory(scorecard=scorecard, unit=ward)             # draft assessment
ScoreFactory(assessment=assessment, criterion=leaf, self_points=3)
InspectionFactory(unit=ward, violations=2)                    # published, scheduled
"""

from datetime import date
from decimal import Decimal

import factory

from reform_index.models import (
    Assessment,
    AssessmentState,
    Criterion,
    CriterionKind,
    Inspection,
    InspectionKind,
    Metric,
    Rule,
    Score,
    Scorecard,
    ScorecardState,
)
from tests.factories import UnitFactory

GRADE_BANDS = [
    {"grade": "Xuất sắc", "min": 90},
    {"grade": "Tốt", "min": 80},
    {"grade": "Khá", "min": 70},
    {"grade": "Trung bình", "min": 50},
    {"grade": "Yếu", "min": 0},
]


class ScorecardFactory(factory.django.DjangoModelFactory):
    """A draft scorecard of a calendar year. Traits: ``self_assessment``, ``appraisal``,
    ``published`` set the state only (use the services to move a real one)."""

    class Meta:
        model = Scorecard
        django_get_or_create = ("year",)

    year = factory.Sequence(lambda n: 2000 + n)
    title = factory.LazyAttribute(lambda s: f"Chỉ số cải cách hành chính năm {s.year}")
    period_start = factory.LazyAttribute(lambda s: date(s.year, 1, 1))
    period_end = factory.LazyAttribute(lambda s: date(s.year, 12, 31))
    state = ScorecardState.DRAFT
    survey_points = Decimal(0)
    grade_bands = factory.LazyFunction(lambda: [dict(band) for band in GRADE_BANDS])

    class Params:
        self_assessment = factory.Trait(state=ScorecardState.SELF_ASSESSMENT)
        appraisal = factory.Trait(state=ScorecardState.APPRAISAL)
        published = factory.Trait(state=ScorecardState.PUBLISHED)


class CriterionFactory(factory.django.DjangoModelFactory):
    """A manual criterion worth 10 points. Traits make automatic ones with the demo's
    rules: ``on_time`` (ratio, threshold 0.98), ``online`` (ratio, 0.5), ``satisfaction``
    (bands), ``apology`` (ratio 1.0, full points when nothing was late), ``procedures``
    (ratio 1.0), ``violations`` (bands on the count, 0 → full points)."""

    class Meta:
        model = Criterion

    scorecard = factory.SubFactory(ScorecardFactory)
    parent = None
    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.Sequence(lambda n: f"Tiêu chí thử {n}")
    max_points = Decimal(10)
    kind = CriterionKind.MANUAL
    order = factory.Sequence(lambda n: n)

    class Params:
        on_time = factory.Trait(
            kind=CriterionKind.AUTOMATIC,
            metric=Metric.ON_TIME_RATE,
            rule=Rule.RATIO,
            rule_params={"threshold": 0.98},
        )
        online = factory.Trait(
            kind=CriterionKind.AUTOMATIC,
            metric=Metric.ONLINE_SHARE,
            rule=Rule.RATIO,
            rule_params={"threshold": 0.5},
        )
        satisfaction = factory.Trait(
            kind=CriterionKind.AUTOMATIC,
            metric=Metric.SATISFACTION,
            rule=Rule.BANDS,
            rule_params={
                "bands": [
                    {"min": 0.95, "points": 10},
                    {"min": 0.8, "points": 6},
                    {"min": 0.5, "points": 3},
                ]
            },
        )
        apology = factory.Trait(
            kind=CriterionKind.AUTOMATIC,
            metric=Metric.APOLOGY_SHARE,
            rule=Rule.RATIO,
            rule_params={"threshold": 1, "empty": "full"},
        )
        procedures = factory.Trait(
            kind=CriterionKind.AUTOMATIC,
            metric=Metric.PUBLISHED_PROCEDURES,
            rule=Rule.RATIO,
            rule_params={"threshold": 1},
        )
        violations = factory.Trait(
            kind=CriterionKind.AUTOMATIC,
            metric=Metric.INSPECTION_VIOLATIONS,
            rule=Rule.BANDS,
            rule_params={
                "bands": [{"max": 0, "points": 10}, {"max": 2, "points": 5}],
            },
        )


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A unit's assessment, without scores (``services.lifecycle.create_assessments`` adds one per
    leaf; or use ScoreFactory). Traits: ``submitted``, ``appraised``."""

    class Meta:
        model = Assessment
        django_get_or_create = ("scorecard", "unit")

    scorecard = factory.SubFactory(ScorecardFactory)
    unit = factory.SubFactory(UnitFactory)
    state = AssessmentState.DRAFT

    class Params:
        submitted = factory.Trait(state=AssessmentState.SUBMITTED)
        appraised = factory.Trait(state=AssessmentState.APPRAISED)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score
        django_get_or_create = ("assessment", "criterion")

    assessment = factory.SubFactory(AssessmentFactory)
    criterion = factory.SubFactory(
        CriterionFactory, scorecard=factory.SelfAttribute("..assessment.scorecard")
    )


class InspectionFactory(factory.django.DjangoModelFactory):
    """A published scheduled inspection without violations. ``unpublished`` and
    ``unannounced`` traits; pass ``violations=n``."""

    class Meta:
        model = Inspection

    unit = factory.SubFactory(UnitFactory)
    date = date(2026, 6, 15)
    team = "Đoàn kiểm tra công vụ thị xã"
    kind = InspectionKind.SCHEDULED
    findings = "Thực hiện nghiêm quy định về thời giờ làm việc."
    violations = 0
    published = True

    class Params:
        unpublished = factory.Trait(published=False)
        unannounced = factory.Trait(kind=InspectionKind.UNANNOUNCED)
