"""The demo index: two years, ~50 inspections, idempotent."""

from datetime import date, datetime

import pytest
import time_machine

from core.models import UnitKind, User
from core.workdays import TZ
from demo import reform_index, town
from dossiers.reporting.access import report_units
from reform_index.models import (
    Assessment,
    AssessmentState,
    Inspection,
    Score,
    Scorecard,
    ScorecardState,
)

TODAY = datetime(2026, 11, 25, 10, 0, tzinfo=TZ)


@pytest.fixture
def seeded(db):
    with time_machine.travel(TODAY, tick=False):
        town.seed_units(lambda _line: None)
        town.seed_users(lambda _line: None)
        lines = []
        reform_index.seed(lines.append)
    return lines


def test_demo_has_last_year_published_and_this_year_under_appraisal(seeded):
    last, this = Scorecard.objects.order_by("year")
    assert (last.year, last.state) == (2025, ScorecardState.PUBLISHED)
    assert (this.year, this.state) == (2026, ScorecardState.APPRAISAL)
    # 8 areas, 31 criteria, 17 sub-criteria.
    assert last.criteria.count() == this.criteria.count() == 56
    assert sum(c.max_points for c in last.criteria.filter(parent=None)) == 100
    assert last.criteria.filter(kind="automatic").count() == 6
    ranks = sorted(last.assessments.values_list("rank", flat=True))
    assert len(ranks) == 15 and ranks[0] == 1 and all(ranks)
    assert set(last.assessments.values_list("grade", flat=True)) <= {
        "Xuất sắc",
        "Tốt",
        "Khá",
        "Trung bình",
        "Yếu",
    }
    assert this.assessments.filter(state=AssessmentState.APPRAISED).count() == 12
    assert not Score.objects.filter(
        assessment__scorecard=this, criterion__kind="automatic", computed_at=None
    ).exists()


@pytest.mark.parametrize("username", ["lanhdao", "lanhdao_leloi", "cchc"])
def test_every_demo_reader_of_reports_sees_dossiers(seeded, username):
    reader = User.objects.get(username=username)
    wards = report_units(reader).filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE])
    assert wards.exists(), f"{username} would open an empty dashboard"


def test_demo_inspections_span_two_years_and_none_lies_ahead(seeded):
    inspections = Inspection.objects.all()
    assert 45 <= inspections.count() <= 55
    assert {i.date.year for i in inspections} == {2025, 2026}
    assert max(i.date for i in inspections) < date(2026, 11, 25)
    assert inspections.filter(violations__gt=0).exists()
    assert inspections.filter(published=True).count() > inspections.count() / 2
    assert all(i.findings for i in inspections.filter(violations__gt=0))


def test_demo_is_idempotent(seeded):
    before = (Scorecard.objects.count(), Assessment.objects.count(), Inspection.objects.count())
    frozen = list(Assessment.objects.values_list("pk", "total", "rank"))
    with time_machine.travel(TODAY, tick=False):
        lines = []
        reform_index.seed(lines.append)
    assert "already there" in " ".join(lines)
    after = (Scorecard.objects.count(), Assessment.objects.count(), Inspection.objects.count())
    assert after == before
    assert list(Assessment.objects.values_list("pk", "total", "rank")) == frozen


def test_demo_without_units_adds_nothing(db):
    lines = []
    reform_index.seed(lines.append)
    assert "nothing added" in lines[0] and not Scorecard.objects.exists()
