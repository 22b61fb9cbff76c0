"""Received, finished and on time have one definition: the on-time report API, the leaders'
dashboard, the public transparency page and the reform index's metric all count through
``dossiers.reporting.counting`` and give the same figures on the same data."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.cache import cache

from core.workdays import Verdict
from dashboard.selectors import dashboard_figures
from dashboard.transparency import transparency
from dossiers.reporting import counting
from reform_index import metrics
from reform_index.models import Metric
from tests.factories import DossierFactory
from tests.world import NOW

FIRST, LAST = date(2026, 1, 1), NOW.date()


@pytest.fixture
def ward_year(world, clock):
    """The ward's year: finished early, on time, late (once with an apology), one still
    open, and one finished the year before (out of the period)."""
    for days, verdict, apologies in [
        (40, Verdict.EARLY, 0),
        (30, Verdict.ON_TIME, 0),
        (20, Verdict.LATE, 1),
        (10, Verdict.LATE, 0),
    ]:
        DossierFactory(
            receiving_unit=world.ward,
            procedure=world.ward_procedure,
            received_at=NOW - timedelta(days=days + 5),
            resolved=True,
            verdict=verdict,
            apology_count=apologies,
        )
    DossierFactory(receiving_unit=world.ward, procedure=world.ward_procedure)
    DossierFactory(
        receiving_unit=world.ward,
        procedure=world.ward_procedure,
        received_at=NOW - timedelta(days=400),
        resolved=True,
        verdict=Verdict.ON_TIME,
        resolved_at=NOW - timedelta(days=380),
    )
    return world


def through_api(api_client, world):
    api_client.force_authenticate(world.leader)
    response = api_client.get(
        "/api/v1/reports/on-time/", {"from": FIRST.isoformat(), "to": LAST.isoformat()}
    )
    row = next(row for row in response.json()["results"] if row["code"] == world.ward.code)
    return row["finished"], row["early"] + row["on_time"], row["on_time_rate"]


def through_dashboard(world):
    figures = dashboard_figures(world.leader, FIRST, LAST)
    row = next(row for row in figures.by_unit if row.key == world.ward.pk)
    return row.finished, row.in_time, row.on_time_rate


def through_transparency(world):
    row = next(row for row in transparency().rows if row.code == world.ward.code)
    return row.finished, row.finished_on_time, row.on_time_rate


def through_metric(world):
    figure = metrics.figures(Metric.ON_TIME_RATE, [world.ward], FIRST, LAST)[world.ward.pk]
    rate = float(figure.numerator * 100 / figure.denominator)
    return int(figure.denominator), int(figure.numerator), round(rate, 2)


def test_every_door_counts_through_the_one_definition(api_client, ward_year):
    doors = {
        "report API": lambda: through_api(api_client, ward_year),
        "dashboard": lambda: through_dashboard(ward_year),
        "transparency": lambda: through_transparency(ward_year),
        "index metric": lambda: through_metric(ward_year),
    }
    found = {}
    for name, door in doors.items():
        cache.clear()
        with mock.patch.object(counting, "finished", wraps=counting.finished) as spy:
            found[name] = door()
        assert spy.called, f"the {name} counts finished dossiers its own way"
    assert set(found.values()) == {(4, 2, 50.0)}, found
