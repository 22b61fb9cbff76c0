"""The dashboard's figures equal direct counts of the dossiers, stay within the reader's
scope, and cost the same number of queries whatever the amount of data."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Unit, User
from core.workdays import Verdict
from dashboard.payload import dashboard_payload
from dashboard.selectors import dashboard_figures, filter_units, preset_period
from dossiers.models import CLOCK_RUNNING_STATUSES, Dossier, Rating, Satisfaction
from dossiers.reporting.access import report_units
from dossiers.reporting.counting import day_bounds
from dossiers.reporting.on_time import on_time_report
from dossiers.reporting.rollup import roll_up
from dossiers.selectors import due_soon_limit
from procedures.models import Channel
from tests.factories import DossierFactory
from tests.reform_index.factories import AssessmentFactory, ScorecardFactory
from tests.world import NOW

FIRST, LAST = date(2026, 8, 1), date(2026, 11, 25)


def direct_counts(dossiers, first=FIRST, last=LAST):
    """What the dashboard must show, counted straight from the dossiers."""
    start, end = day_bounds(first, last)
    received = dossiers.filter(received_at__gte=start, received_at__lt=end)
    finished = dossiers.filter(
        received_at__isnull=False, resolved_at__gte=start, resolved_at__lt=end
    )
    ratings = Rating.objects.filter(dossier__in=dossiers, rated_at__gte=start, rated_at__lt=end)
    return {
        "received": received.count(),
        "received_online": received.filter(channel=Channel.ONLINE).count(),
        "finished": finished.count(),
        "in_time": finished.filter(verdict__in=[Verdict.EARLY, Verdict.ON_TIME]).count(),
        "late": finished.filter(verdict=Verdict.LATE).count(),
        "late_with_apology": finished.filter(verdict=Verdict.LATE, apology_count__gt=0).count(),
        "rated": ratings.count(),
        "satisfied": ratings.exclude(level=Satisfaction.DISSATISFIED).count(),
    }


def shown(row):
    return {
        "received": row.received,
        "received_online": row.received_online,
        "finished": row.finished,
        "in_time": row.early + row.on_time,
        "late": row.late,
        "late_with_apology": row.late_with_apology,
        "rated": row.rated,
        "satisfied": row.satisfied,
    }


@pytest.fixture
def busy_town(world, add_random_dossiers):
    add_random_dossiers(world, 80, seed=7)
    return world


@pytest.mark.parametrize("rolled_up", [False, True], ids=["live", "rolled-up"])
def test_figures_equal_direct_counts(busy_town, rolled_up):
    if rolled_up:
        roll_up(date(2026, 7, 1), date(2026, 11, 24))
    figures = dashboard_figures(busy_town.leader, FIRST, LAST)

    assert figures.totals.received > 20
    assert shown(figures.totals) == direct_counts(Dossier.objects.all())
    for row in figures.by_unit:
        assert shown(row) == direct_counts(Dossier.objects.filter(receiving_unit_id=row.key))
    for row in figures.by_field:
        assert shown(row) == direct_counts(Dossier.objects.filter(procedure__field_id=row.key))
    months = figures.by_month
    assert [row.code for row in months] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    for row in months:
        last_day = (row.key + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        assert shown(row) == direct_counts(Dossier.objects.all(), row.key, min(last_day, LAST))


def flows_of(rows):
    return [(str(row.code), shown(row)) for row in rows]


@pytest.mark.parametrize("rolled_through", [None, date(2026, 9, 15), date(2026, 11, 24)])
def test_figures_equal_the_on_time_report(busy_town, rolled_through):
    if rolled_through:
        roll_up(date(2026, 7, 1), rolled_through)
    figures = dashboard_figures(busy_town.leader, FIRST, LAST)
    units = report_units(busy_town.leader)
    for rows, group_by in [
        (figures.by_unit, "unit"),
        (figures.by_field, "field"),
        (figures.by_month, "month"),
    ]:
        assert flows_of(rows) == flows_of(on_time_report(FIRST, LAST, group_by, units=units))


def test_a_new_roll_up_refreshes_the_cached_figures(busy_town):
    roll_up(date(2026, 7, 1), date(2026, 11, 24))
    before = dashboard_figures(busy_town.leader, FIRST, LAST).totals.received
    DossierFactory(
        receiving_unit=busy_town.town,
        procedure=busy_town.town_procedure,
        received_at=NOW - timedelta(days=30),
    )
    assert dashboard_figures(busy_town.leader, FIRST, LAST).totals.received == before
    roll_up(date(2026, 10, 20), date(2026, 10, 31))
    assert dashboard_figures(busy_town.leader, FIRST, LAST).totals.received == before + 1


def test_town_desk_against_wards(busy_town):
    figures = dashboard_figures(busy_town.leader, FIRST, LAST)
    town_row, wards_row = figures.comparison
    assert town_row.name == "Thị xã Sơn Tây"
    assert shown(town_row) == direct_counts(Dossier.objects.filter(receiving_unit=busy_town.town))
    assert shown(wards_row) == direct_counts(
        Dossier.objects.filter(receiving_unit__in=busy_town.wards)
    )
    assert "(3)" in wards_row.name


def test_overdue_and_at_risk_are_live_and_complete(busy_town):
    officer = busy_town.specialist
    oldest = DossierFactory(
        receiving_unit=busy_town.wards[1],
        procedure=busy_town.ward_procedure,
        received_at=NOW - timedelta(days=300),
        due_at=NOW - timedelta(days=200),
        handler=officer,
        handling_unit=busy_town.justice,
    )
    for days in range(1, 6):
        DossierFactory(
            overdue=True,
            receiving_unit=busy_town.town,
            procedure=busy_town.town_procedure,
            received_at=NOW - timedelta(days=days + 9),
        )
    figures = dashboard_figures(busy_town.leader, FIRST, LAST, now=NOW)

    running = Dossier.objects.filter(status__in=CLOCK_RUNNING_STATUSES)
    assert figures.overdue.count == running.filter(due_at__lt=NOW).count() > 20
    assert len(figures.overdue.rows) == 20
    assert figures.overdue.rows[0] == oldest
    due = [dossier.due_at for dossier in figures.overdue.rows]
    assert due == sorted(due)
    limit = due_soon_limit(NOW)
    assert figures.at_risk.count == running.filter(due_at__gte=NOW, due_at__lte=limit).count()
    assert all(NOW <= d.due_at <= limit for d in figures.at_risk.rows)

    listed = dashboard_payload(figures)["overdue"]["dossiers"][0]
    assert listed["code"] == oldest.code
    assert (listed["handling_unit"], listed["handler"]) == ("Phòng Tư pháp", "Nguyễn Văn An")


def test_paused_dossiers_are_not_overdue_now(world, clock):
    DossierFactory(
        paused=True,
        receiving_unit=world.ward,
        procedure=world.ward_procedure,
        received_at=NOW - timedelta(days=20),
        due_at=NOW - timedelta(days=1),
    )
    figures = dashboard_figures(world.leader, FIRST, LAST, now=NOW)
    assert figures.overdue.count == 0


def test_ward_leader_sees_only_the_ward(busy_town):
    ward = busy_town.wards[0]
    figures = dashboard_figures(busy_town.ward_leader, FIRST, LAST, now=NOW)

    assert [row.code for row in figures.by_unit] == [ward.code]
    assert shown(figures.totals) == direct_counts(Dossier.objects.filter(receiving_unit=ward))
    listed = {d.receiving_unit_id for d in figures.overdue.rows + figures.at_risk.rows}
    assert listed <= {ward.pk}
    assert [row.code for row in figures.comparison] == ["wards"]
    assert list(filter_units(busy_town.ward_leader)) == [ward]


def test_unit_filter_narrows_to_that_unit_and_below(busy_town):
    ward = busy_town.wards[1]
    figures = dashboard_figures(busy_town.leader, FIRST, LAST, unit=ward, now=NOW)
    assert [row.code for row in figures.by_unit] == [ward.code]
    assert shown(figures.totals) == direct_counts(Dossier.objects.filter(receiving_unit=ward))
    assert all(d.receiving_unit_id == ward.pk for d in figures.overdue.rows)
    assert figures.overdue.count == (
        Dossier.objects.filter(
            receiving_unit=ward, status__in=CLOCK_RUNNING_STATUSES, due_at__lt=NOW
        ).count()
    )


def test_filter_offers_receiving_units_only(world):
    codes = [unit.code for unit in filter_units(world.leader)]
    assert codes == ["H26.45", "H26.45.01", "H26.45.02", "H26.45.03"]
    assert filter_units(world.citizen).count() == 0
    assert "H26" in [unit.code for unit in filter_units(world.admin)]
    # A superuser reads every unit, as a queryset like anyone else's.
    assert set(report_units(world.admin)) == set(Unit.objects.all())


def test_ranking_of_the_latest_published_scorecard(world, clock):
    old = ScorecardFactory(year=2024, published=True)
    latest = ScorecardFactory(year=2025, published=True)
    ScorecardFactory(year=2026, appraisal=True)
    for rank, ward in enumerate(world.wards, start=1):
        AssessmentFactory(scorecard=old, unit=ward, rank=4 - rank, total=80, grade="Tốt")
        AssessmentFactory(
            scorecard=latest, unit=ward, rank=rank, total=95 - rank * 5, grade="Xuất sắc"
        )
    ranking = dashboard_figures(world.leader, FIRST, LAST).ranking
    assert ranking.year == 2025
    assert [row.unit_code for row in ranking.rows] == ["H26.45.01", "H26.45.02", "H26.45.03"]
    data = dashboard_payload(dashboard_figures(world.leader, FIRST, LAST))["ranking"]
    assert data["rows"][0] == {
        "rank": 1,
        "unit": "H26.45.01",
        "name": "Phường Lê Lợi",
        "total": 90.0,
        "grade": "Xuất sắc",
        "change": 2,
    }


def test_no_published_scorecard_no_ranking(world, clock):
    ScorecardFactory(year=2026, appraisal=True)
    assert dashboard_figures(world.leader, FIRST, LAST).ranking is None


def queries_for(user, **kwargs):
    """Queries of one dashboard as a new request sees it: a fresh user, a cold cache."""
    user = User.objects.get(pk=user.pk)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        dashboard_payload(dashboard_figures(user, FIRST, LAST, now=NOW, **kwargs))
    return len(captured)


@pytest.mark.parametrize("rolled_up", [False, True], ids=["live", "rolled-up"])
def test_query_count_does_not_grow_with_the_data(
    world, add_random_dossiers, add_overdue_and_at_risk, rolled_up
):
    ScorecardFactory(year=2025, published=True)
    add_overdue_and_at_risk(world)
    add_random_dossiers(world, 30, seed=1)
    if rolled_up:
        roll_up(date(2026, 7, 1), date(2026, 11, 24))
    small = queries_for(world.leader)
    add_random_dossiers(world, 150, seed=2)
    if rolled_up:
        roll_up(date(2026, 7, 1), date(2026, 11, 24))
    assert queries_for(world.leader) == small
    assert small <= 30


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("this_month", date(2026, 11, 1)),
        ("this_quarter", date(2026, 10, 1)),
        ("this_year", date(2026, 1, 1)),
    ],
)
def test_presets_end_today(name, first):
    assert preset_period(name, date(2026, 11, 25)) == (first, date(2026, 11, 25))
    assert preset_period("this_quarter", date(2026, 3, 31))[0] == date(2026, 1, 1)
