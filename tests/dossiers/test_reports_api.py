"""GET /api/v1/reports/on-time/: scoped, filtered, downloadable, never a 500."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from openpyxl import load_workbook

from core.models import Unit
from dossiers.reporting.access import report_units
from dossiers.reporting.rollup import nightly_roll_up
from dossiers.services import transitions
from dossiers.services.intake import intake_at_counter
from tests.dossiers.conftest import intake

URL = "/api/v1/reports/on-time/"


@pytest.fixture
def figures(make, world, clock):
    transitions.resolve(make("in_progress"), world.specialist)
    make("in_progress")
    intake_at_counter(world.ward_desk, intake(world))
    return world


def test_leader_sees_every_unit_with_the_design_columns(api_client, figures):
    api_client.force_authenticate(figures.leader)
    response = api_client.get(URL, {"group_by": "unit", "from": "2026-11-01", "to": "2026-11-30"})
    assert response.status_code == 200, response.json()
    rows = {row["code"]: row for row in response.json()["results"]}
    assert set(rows) == {"H26.45", "H26.45.01"}
    town = rows["H26.45"]
    assert (town["received"], town["finished"], town["early"], town["on_time"], town["late"]) == (
        2,
        1,
        1,
        0,
        0,
    )
    assert town["on_time_rate"] == 100.0
    assert town["in_progress"] == 1


def test_ward_leader_sees_only_the_ward(api_client, figures):
    api_client.force_authenticate(figures.ward_leader)
    rows = api_client.get(URL, {"from": "2026-11-01"}).json()["results"]
    assert [row["code"] for row in rows] == ["H26.45.01"]


def test_roll_up_then_report_gives_the_same_answer(api_client, figures, clock):
    api_client.force_authenticate(figures.leader)
    params = {"group_by": "procedure", "from": "2026-11-01", "to": "2026-11-30"}
    before = api_client.get(URL, params).json()["results"]
    from datetime import timedelta

    clock.shift(timedelta(days=2))
    nightly_roll_up()
    assert api_client.get(URL, params).json()["results"] == before


def test_csv_and_xlsx_downloads(api_client, figures):
    api_client.force_authenticate(figures.leader)
    csv_response = api_client.get(URL, {"format": "csv", "from": "2026-11-01"})
    assert csv_response["Content-Type"].startswith("text/csv")
    text = csv_response.content.decode("utf-8-sig")
    assert "Tỷ lệ đúng hạn" in text.splitlines()[0] and "H26.45" in text
    xlsx = api_client.get(URL, {"format": "xlsx", "group_by": "month", "from": "2026-11-01"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 1).value == "2026-11"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "officer"}, "group_by"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "2026-11-31"}, "to"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),
        ({"unit": "NOPE"}, "unit"),
        ({"format": "pdf"}, "format"),
    ],
)
def test_bad_parameters_are_400_per_field(api_client, figures, params, field):
    """Each error is keyed by the parameter as the query string names it."""
    api_client.force_authenticate(figures.leader)
    response = api_client.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) == {field}


def test_the_period_is_read_from_from_and_to_only(api_client, figures):
    api_client.force_authenticate(figures.leader)
    response = api_client.get(URL, {"from": "2026-11-02", "to": "2026-11-03"}).json()
    assert (response["from"], response["to"]) == ("2026-11-02", "2026-11-03")
    # The names inside the code are not parameters: the period stays the default.
    ignored = api_client.get(URL, {"start": "2026-11-02", "end": "2026-11-03"}).json()
    assert (ignored["from"], ignored["to"]) == ("2026-01-01", "2026-11-23")


def test_citizens_and_desk_staff_are_refused(api_client, figures):
    for user in (figures.citizen, figures.desk_officer):
        api_client.force_authenticate(user)
        assert api_client.get(URL).status_code == 403
    api_client.force_authenticate(None)
    assert api_client.get(URL).status_code in (401, 403)


def test_one_access_rule_for_every_report(world):
    """report_units: every unit for a superuser, the served subtree for a reader of
    reports, none for anyone else; always a queryset."""
    assert set(report_units(world.admin)) == set(Unit.objects.all())
    assert set(report_units(world.ward_leader)) == {world.ward}
    assert world.other_town not in report_units(world.leader)
    assert set(report_units(world.leader, within=world.ward)) == {world.ward}
    assert set(report_units(world.admin, within=world.ward)) == {world.ward}
    for outsider in (world.citizen, world.desk_officer, AnonymousUser()):
        assert not report_units(outsider).exists()
