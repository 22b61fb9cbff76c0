"""A small town for the reform index: a province, a town with its desk, three wards, one
user per role, and a 20-point scorecard (survey-free, so totals scale to 100):

    A  Chỉ đạo, điều hành (10)        manual
      A.1 (6), A.2 (4)                 manual leaves
    B  Một cửa (10)
      B.1 on-time rate (5)             ratio, threshold 0.98
      B.2 inspection violations (5)    bands: 0 → 5, ≤ 2 → 2.5
"""

from datetime import date, datetime, time
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.models import UnitKind
from core.workdays import TZ
from dossiers.models import Dossier, Rating
from procedures.models import ProcedureVersion
from reform_index import services
from reform_index.models import Metric, Rule
from tests.factories import UnitFactory, UserFactory
from tests.procedures.factories import ProcedureFactory
from tests.reform_index.factories import CriterionFactory, ScorecardFactory

YEAR = 2026


@pytest.fixture
def town(db):
    province = UnitFactory(code="H26", name="Hà Nội", kind=UnitKind.PROVINCE)
    seat = UnitFactory(
        code="H26.45", name="Thị xã Sơn Tây", kind=UnitKind.DISTRICT, parent=province
    )
    desk = UnitFactory(code="H26.45.MC", name="Một cửa", kind=UnitKind.CENTRE, parent=seat)
    wards = [
        UnitFactory(code=f"H26.45.0{n}", name=name, kind=UnitKind.WARD, parent=seat)
        for n, name in enumerate(["Phường Lê Lợi", "Phường Ngô Quyền", "Xã Kim Sơn"], start=1)
    ]
    return SimpleNamespace(
        province=province,
        seat=seat,
        desk=desk,
        wards=wards,
        ward=wards[0],
        other_ward=wards[1],
        officer=UserFactory(username="cchc", unit=seat, role="index_officer"),
        leader=UserFactory(username="lanhdao", unit=seat, role="leader"),
        ward_leader=UserFactory(username="lanhdao_p1", unit=wards[0], role="unit_leader"),
        other_leader=UserFactory(username="lanhdao_p2", unit=wards[1], role="unit_leader"),
        desk_officer=UserFactory(username="motcua", unit=wards[0], role="desk_officer"),
        citizen=UserFactory(username="congdan", role="citizen"),
    )


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
def scorecard(town):
    return build_tree(ScorecardFactory(year=YEAR))


@pytest.fixture
def opened(scorecard, town):
    """The scorecard open for self-assessment: each ward has its assessment."""
    services.open_self_assessment(scorecard, town.officer)
    scorecard.refresh_from_db()
    return scorecard


def assessment_of(scorecard, unit):
    return scorecard.assessments.select_related("scorecard", "unit").get(unit=unit)


def self_assess_all(scorecard, town, points=None):
    """Every ward self-assesses (A.1, A.2 from ``points[unit code]``) and submits."""
    for ward in town.wards:
        leader = UserFactory(username=f"lead-{ward.code}", unit=ward, role="unit_leader")
        a1, a2 = (points or {}).get(ward.code, (5, 3))
        assessment = assessment_of(scorecard, ward)
        services.save_self_assessment(
            assessment, leader, {"A.1": {"self_points": a1}, "A.2": {"self_points": a2}}
        )
        services.submit_assessment(assessment, leader)


def appraise_all(scorecard, town, points):
    """The officer appraises every ward with ``points[unit code] = (A.1, A.2)``."""
    for ward in town.wards:
        a1, a2 = points[ward.code]
        assessment = assessment_of(scorecard, ward)
        services.save_appraisal(
            assessment,
            town.officer,
            {"A.1": {"appraised_points": a1}, "A.2": {"appraised_points": a2}},
        )
        services.appraise_assessment(assessment, town.officer)


def at(day, hour=9):
    return datetime.combine(day, time(hour), tzinfo=TZ)


class DossierMaker:
    """Dossier rows written directly (no workflow), to count the metrics against."""

    def __init__(self):
        self.procedure = ProcedureFactory(code="9.000001")
        self.version = ProcedureVersion.objects.create(
            procedure=self.procedure, number=1, snapshot={}
        )
        self.count = 0

    def __call__(self, unit, received=date(YEAR, 3, 2), resolved=None, verdict="", **extra):
        self.count += 1
        rating = extra.pop("rating", None)
        dossier = Dossier.objects.create(
            code=f"T-{self.count:05d}",
            procedure=self.procedure,
            procedure_version=self.version,
            receiving_unit=unit,
            handling_unit=unit,
            applicant_name="Nguyễn Văn An",
            applicant_phone="0912345678",
            channel=extra.pop("channel", "counter"),
            status="returned" if resolved else "in_progress",
            limit_amount=Decimal(5),
            limit_unit="working_days",
            received_at=at(received),
            due_at=at(received, 17),
            resolved_at=at(resolved) if resolved else None,
            verdict=verdict,
            **extra,
        )
        if rating:
            Rating.objects.create(dossier=dossier, level=rating, rated_at=at(resolved, 10))
        return dossier


@pytest.fixture
def make_dossier(town):
    return DossierMaker()
