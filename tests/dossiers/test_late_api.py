"""GET /api/v1/reports/late/: the why-late report as JSON, against direct counts; scoped
like the on-time report, field errors in Vietnamese, queries constant in the dossiers."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.workdays import Verdict
from dossiers.reporting import late
from tests.dashboard.test_late import held_by
from tests.factories import DossierFactory
from tests.world import NOW

URL = "/api/v1/reports/late/"
PERIOD = {"from": "2026-09-01", "to": "2026-11-23"}


def _late_dossiers(world, count):
    """``count`` overdue dossiers of the town held by the justice office, as many finished
    late at the ward, and one on time, one running and one at risk that are not late."""
    for n in range(count):
        overdue = DossierFactory(
            overdue=True, receiving_unit=world.town, procedure=world.town_procedure
        )
        held_by(overdue, world.justice, world.specialist)
        DossierFactory(
            resolved=True,
            verdict=Verdict.LATE,
            receiving_unit=world.ward,
            procedure=world.ward_procedure,
            received_at=NOW - timedelta(days=10 + n),
        )
    DossierFactory(resolved=True, verdict=Verdict.ON_TIME, receiving_unit=world.town)
    DossierFactory(receiving_unit=world.town)
    DossierFactory(
        receiving_unit=world.ward, due_at=NOW + timedelta(hours=1), allowance=timedelta(hours=24)
    )


@pytest.fixture
def late_world(world, clock):
    _late_dossiers(world, 3)
    DossierFactory(overdue=True, receiving_unit=world.other_ward, procedure=world.ward_procedure)
    return world


def _get(api_client, user, **params):
    api_client.force_authenticate(user)
    return api_client.get(URL, {**PERIOD, **params})


def _direct(first, last):
    """The late dossiers of days first..last, judged one by one in Python."""
    start, end = late.day_bounds(first, last)
    found = []
    for dossier in late.Dossier.objects.all():
        finished_late = (
            dossier.resolved_at is not None
            and start <= dossier.resolved_at < end
            and dossier.verdict == Verdict.LATE
        )
        running = dossier.status in late.CLOCK_RUNNING_STATUSES
        if finished_late or (running and start <= dossier.due_at < min(end, NOW)):
            found.append(dossier)
    return found


def test_the_counts_equal_a_direct_count_of_the_late_dossiers(api_client, late_world):
    body = _get(api_client, late_world.admin, group="procedure").json()
    first, last = date(2026, 9, 1), date(2026, 11, 23)
    expected = _direct(first, last)
    assert body["dossiers"]["count"] == len(expected) == 7
    assert {row["code"] for row in body["dossiers"]["results"]} == {d.code for d in expected}
    by_procedure = Counter(dossier.procedure.code for dossier in expected)
    assert {group["key"]: group["count"] for group in body["groups"]} == dict(by_procedure)
    assert (body["from"], body["to"], body["group"]) == ("2026-09-01", "2026-11-23", "procedure")
    assert body["at_risk"]["count"] == 1 == len(body["at_risk"]["results"])


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("unit", {"H26.45.TP": 3, "H26.45.01": 3, "H26.45.02": 1}),
        ("step", {"Thẩm định": 3, None: 4}),
        ("officer", {"spec": 3, None: 4}),
        ("procedure", {"1.000001": 3, "1.000003": 4}),
    ],
)
def test_groups_by_unit_step_officer_and_procedure(api_client, late_world, group, expected):
    groups = _get(api_client, late_world.leader, group=group).json()["groups"]
    assert {entry["key"]: entry["count"] for entry in groups} == expected
    assert all(entry["name"] for entry in groups)


def test_each_row_says_who_held_it_and_how_late_it_is(api_client, late_world):
    rows = _get(api_client, late_world.leader, unit="H26.45").json()["dossiers"]["results"]
    town = late_world.town.display_name
    overdue = next(row for row in rows if row["receiving_unit"] == town)
    assert overdue["finished_at"] is None
    assert overdue["holding_unit"] == late_world.justice.display_name
    assert overdue["holding_officer"] == late_world.specialist.get_full_name()
    assert overdue["step"] == "Thẩm định"
    assert overdue["days_late"] > 0
    finished = next(row for row in rows if row["finished_at"] is not None)
    assert finished["receiving_unit"] == late_world.ward.display_name


def test_a_ward_leader_sees_only_their_ward(api_client, late_world):
    body = _get(api_client, late_world.ward_leader).json()
    assert [group["key"] for group in body["groups"]] == [late_world.ward.code]
    receiving = {row["receiving_unit"] for row in body["dossiers"]["results"]}
    assert receiving == {late_world.ward.display_name}
    assert body["dossiers"]["count"] == 3
    assert body["at_risk"]["count"] == 1


def test_readers_of_reports_only(api_client, late_world):
    assert api_client.get(URL).status_code == 401
    assert _get(api_client, late_world.desk_officer).status_code == 403


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2026-13-01"}, "from", "Ngày sai định dạng"),
        ({"to": "ngày"}, "to", "Ngày sai định dạng"),
        ({"from": "2026-11-23", "to": "2026-11-01"}, "from", "Ngày bắt đầu sau ngày kết thúc."),
        ({"unit": "H26.46"}, "unit", "Không có đơn vị có mã này trong phạm vi của bạn."),
        ({"unit": "KHONG-CO"}, "unit", "Không có đơn vị có mã này trong phạm vi của bạn."),
        ({"group": "nope"}, "group", "Nhóm theo đơn vị, bước, cán bộ hoặc thủ tục."),
    ],
)
def test_bad_input_is_a_400_per_field_in_vietnamese(api_client, late_world, params, field, message):
    # The town's unit leader: the other town exists but is outside their scope.
    response = _get(api_client, late_world.unit_leader, **params)
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)


def _queries(client, url, params):
    client.get(url, params)  # warm the caches (calendar, session)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("group", ["unit", "step", "officer", "procedure"])
def test_the_api_queries_do_not_grow_with_the_dossiers(api_client, world, clock, group):
    api_client.force_authenticate(world.leader)
    counts = []
    for size in (3, 20):
        _late_dossiers(world, size)
        counts.append(_queries(api_client, URL, {**PERIOD, "group": group}))
    assert counts[0] == counts[1]
