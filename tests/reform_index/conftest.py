"""The reform index over ``tests.world``: a 20-point scorecard (survey-free, so totals
scale to 100), its wards' assessments, and dossiers to count the metrics against:

    A  Chỉ đạo, điều hành (10)        manual
      A.1 (6), A.2 (4)                 manual leaves
    B  Một cửa (10)
      B.1 on-time rate (5)             ratio, threshold 0.98
      B.2 inspection violations (5)    bands: 0 → 5, ≤ 2 → 2.5
"""

from datetime import date, datetime, time

import pytest
import time_machine

from core.workdays import TZ
from dossiers.models import Status
from reform_index.models import Metric, Rule
from reform_index.services import appraisal, lifecycle, self_assessment
from tests.factories import DossierFactory, UserFactory
from tests.procedures.factories import ProcedureFactory
from tests.reform_index.factories import CriterionFactory, ScorecardFactory

YEAR = 2026
# A moment after the 2026 period: publication then needs no reason.
AFTER_THE_PERIOD = datetime(YEAR + 1, 1, 5, 9, 0, tzinfo=TZ)


def build_tree(scorecard):
    area_a = CriterionFactory(scorecard=scorecard, code="A", max_points=10, order=1)
    CriterionFactory(scorecard=scorecard, parent=area_a, code="A.1", max_points=6, order=2)
    CriterionFactory(scorecard=scorecard, parent=area_a, code="A.2", max_points=4, order=3)
    area_b = CriterionFactory(scorecard=scorecard, code="B", max_points=10, order=4)
    CriterionFactory(
        scorecard=scorecard, parent=area_b, code="B.1", max_points=5, order=5, on_time=True
    )
    CriterionFactory(
        scorecard=scorecard,
        parent=area_b,
        code="B.2",
        max_points=5,
        order=6,
        kind="automatic",
        metric=Metric.INSPECTION_VIOLATIONS,
        rule=Rule.BANDS,
        rule_params={"bands": [{"max": 0, "points": 5}, {"max": 2, "points": 2.5}]},
    )
    return scorecard


@pytest.fixture
def period_over():
    """Time stands at AFTER_THE_PERIOD, so that the 2026 index may be published."""
    with time_machine.travel(AFTER_THE_PERIOD, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scorecard(world):
    return build_tree(ScorecardFactory(year=YEAR))


@pytest.fixture
def opened(scorecard, world):
    """The scorecard open for self-assessment: each ward has its assessment."""
    lifecycle.open_self_assessment(scorecard, world.index_officer)
    scorecard.refresh_from_db()
    return scorecard


def assessment_of(scorecard, unit):
    return scorecard.assessments.select_related("scorecard", "unit").get(unit=unit)


def self_assess_all(scorecard, world, points=None):
    """Every ward self-assesses (A.1, A.2 from ``points[unit code]``) and submits."""
    for ward in world.wards:
        leader = UserFactory(username=f"lead-{ward.code}", unit=ward, role="unit_leader")
        a1, a2 = (points or {}).get(ward.code, (5, 3))
        assessment = assessment_of(scorecard, ward)
        self_assessment.save_self_assessment(
            assessment, leader, {"A.1": {"self_points": a1}, "A.2": {"self_points": a2}}
        )
        self_assessment.submit_assessment(assessment, leader)


def appraise_all(scorecard, world, points):
    """The officer appraises every ward with ``points[unit code] = (A.1, A.2)``."""
    for ward in world.wards:
        a1, a2 = points[ward.code]
        assessment = assessment_of(scorecard, ward)
        appraisal.save_appraisal(
            assessment,
            world.index_officer,
            {"A.1": {"appraised_points": a1}, "A.2": {"appraised_points": a2}},
        )
        appraisal.appraise_assessment(assessment, world.index_officer)


def at(day, hour=9):
    return datetime.combine(day, time(hour), tzinfo=TZ)


@pytest.fixture
def make_dossier(db):
    """make_dossier(unit, received=…, resolved=…, verdict=…, rating=…): a dossier handled at
    ``unit``, received on a day at 09:00 and due at 17:00, to count the metrics against."""
    procedure = ProcedureFactory(code="9.000001")

    def make(unit, received=date(YEAR, 3, 2), resolved=None, verdict="", rating=None, **extra):
        traits = {"resolved": True, "status": Status.RETURNED} if resolved else {}
        return DossierFactory(
            procedure=procedure,
            receiving_unit=unit,
            received_at=at(received),
            due_at=at(received, 17),
            resolved_at=at(resolved) if resolved else None,
            verdict=verdict,
            rating=rating,
            rating__at=at(resolved, 10) if resolved else None,
            **traits,
            **extra,
        )

    return make
