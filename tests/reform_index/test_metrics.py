"""Each metric equals a direct count on small data, per unit and over the period only."""

from datetime import date
from decimal import Decimal

import pytest

from dossiers.reporting.on_time import on_time_report
from reform_index import metrics
from reform_index.models import Metric
from tests.factories import UnitFactory
from tests.procedures.factories import ProcedureFactory, RequiredDocumentFactory
from tests.reform_index.conftest import YEAR
from tests.reform_index.factories import InspectionFactory

FIRST, LAST = date(YEAR, 1, 1), date(YEAR, 12, 31)
BEFORE, AFTER = date(YEAR - 1, 12, 31), date(YEAR + 1, 1, 1)


def figure(metric, unit):
    return metrics.figures(metric, [unit], FIRST, LAST)[unit.pk]


@pytest.fixture
def data(world, make_dossier):
    """Ward 1: 4 finished in the year (early, on time, 2 late: one with an apology), one
    finished the year before, one still open; 2 online; 3 ratings (1 dissatisfied).
    Ward 2: one finished late, counted only there."""
    ward, other = world.ward, world.other_ward
    make_dossier(ward, resolved=date(YEAR, 3, 3), verdict="early", rating="very_satisfied")
    make_dossier(
        ward, resolved=date(YEAR, 3, 4), verdict="on_time", channel="online", rating="satisfied"
    )
    make_dossier(
        ward, resolved=date(YEAR, 3, 9), verdict="late", apology_count=1, rating="dissatisfied"
    )
    make_dossier(ward, resolved=LAST, verdict="late", channel="online")
    make_dossier(ward, received=date(YEAR - 1, 12, 1), resolved=BEFORE, verdict="late")
    make_dossier(ward, received=date(YEAR, 6, 1))
    make_dossier(other, resolved=date(YEAR, 3, 3), verdict="late")
    return world


def test_on_time_rate_counts_finished_dossiers_of_the_period(data):
    assert figure(Metric.ON_TIME_RATE, data.ward) == metrics.Figure(Decimal(2), Decimal(4))
    assert figure(Metric.ON_TIME_RATE, data.other_ward) == metrics.Figure(Decimal(0), Decimal(1))


def test_online_share_counts_dossiers_received_in_the_period(data):
    # Received in the year at ward 1: five (the one received the year before is out).
    assert figure(Metric.ONLINE_SHARE, data.ward) == metrics.Figure(Decimal(2), Decimal(5))


def test_satisfaction_counts_ratings_given_in_the_period(data):
    assert figure(Metric.SATISFACTION, data.ward) == metrics.Figure(Decimal(2), Decimal(3))


def test_apology_share_counts_late_dossiers_with_an_apology(data):
    assert figure(Metric.APOLOGY_SHARE, data.ward) == metrics.Figure(Decimal(1), Decimal(2))


def test_dossier_metrics_equal_the_on_time_report(data):
    """The index and the leaders' report count the same dossiers."""
    row = next(
        r
        for r in on_time_report(FIRST, LAST, units=[data.ward], today=AFTER)
        if r.key == data.ward.pk
    )
    assert figure(Metric.ON_TIME_RATE, data.ward).numerator == row.early + row.on_time
    assert figure(Metric.ON_TIME_RATE, data.ward).denominator == row.finished
    assert figure(Metric.ONLINE_SHARE, data.ward).denominator == row.received
    assert figure(Metric.ONLINE_SHARE, data.ward).numerator == row.received_online
    assert figure(Metric.SATISFACTION, data.ward).denominator == row.rated
    assert figure(Metric.APOLOGY_SHARE, data.ward).numerator == row.late_with_apology


def test_records_behind_a_figure_are_the_counted_dossiers(data):
    found = metrics.records(Metric.ON_TIME_RATE, data.ward, FIRST, LAST)
    assert found.kind == "dossier"
    assert found.base.count() == 4
    assert found.counted.count() == 2
    assert set(found.shortfall.values_list("verdict", flat=True)) == {"late"}
    assert found.shortfall.count() == 2


def test_a_unit_answers_for_its_subtree(world, make_dossier):
    ward_desk = UnitFactory(code="H26.45.01.MC", parent=world.ward)
    make_dossier(ward_desk, resolved=date(YEAR, 4, 1), verdict="on_time")
    make_dossier(world.ward, resolved=date(YEAR, 4, 1), verdict="late")
    assert figure(Metric.ON_TIME_RATE, world.ward) == metrics.Figure(Decimal(1), Decimal(2))
    assert metrics.records(Metric.ON_TIME_RATE, world.ward, FIRST, LAST).base.count() == 2


def test_units_without_data_get_zeros(world):
    found = metrics.figures(Metric.ON_TIME_RATE, world.wards, FIRST, LAST)
    assert set(found) == {ward.pk for ward in world.wards}
    assert all(value == metrics.Figure() for value in found.values())


def test_published_procedures_counts_those_with_every_part(world):
    complete = dict(steps=[{"case": "", "steps": ["Nộp hồ sơ"]}], legal_basis=[{"number": "1"}])
    full = ProcedureFactory(handling_units=[world.ward], result="Giấy khai sinh", **complete)
    RequiredDocumentFactory(procedure=full)
    no_documents = ProcedureFactory(handling_units=[world.ward], result="Kết quả", **complete)
    no_result = ProcedureFactory(handling_units=[world.ward], **complete)
    RequiredDocumentFactory(procedure=no_result)
    ProcedureFactory(handling_units=[world.ward], unpublished=True, result="x", **complete)
    ProcedureFactory(handling_units=[world.other_ward], result="x", **complete)
    # The world's ward procedure has none of the parts either.
    assert figure(Metric.PUBLISHED_PROCEDURES, world.ward) == metrics.Figure(Decimal(1), Decimal(4))
    found = metrics.records(Metric.PUBLISHED_PROCEDURES, world.ward, FIRST, LAST)
    assert set(found.shortfall) == {no_documents, no_result, world.ward_procedure}


def test_inspection_violations_sum_published_inspections_of_the_period(world):
    InspectionFactory(unit=world.ward, date=date(YEAR, 2, 1), violations=2, findings="x")
    InspectionFactory(unit=world.ward, date=date(YEAR, 5, 1), violations=0)
    InspectionFactory(unit=world.ward, date=date(YEAR, 6, 1), violations=3, unpublished=True)
    InspectionFactory(unit=world.ward, date=BEFORE, violations=5)
    InspectionFactory(unit=world.other_ward, date=date(YEAR, 2, 1), violations=1)
    assert figure(Metric.INSPECTION_VIOLATIONS, world.ward) == metrics.Figure(
        Decimal(2), Decimal(2)
    )
    found = metrics.records(Metric.INSPECTION_VIOLATIONS, world.ward, FIRST, LAST)
    assert [inspection.violations for inspection in found.shortfall] == [2]
    assert metrics.counts(Metric.INSPECTION_VIOLATIONS)
    assert not metrics.counts(Metric.ON_TIME_RATE)


def test_every_metric_costs_one_query_for_all_units(world, make_dossier, django_assert_num_queries):
    for ward in world.wards:
        make_dossier(ward, resolved=date(YEAR, 3, 3), verdict="early")
    for metric in Metric:
        # One query maps the units to their subtrees, one counts.
        with django_assert_num_queries(2):
            metrics.figures(metric, world.wards, FIRST, LAST)
