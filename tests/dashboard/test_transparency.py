"""/transparency/ and its open data: public, per unit, equal to direct counts, cached."""

import csv
import io
import json
from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import CalendarOverride, OverrideKind
from core.selectors import get_working_calendar
from core.workdays import TZ, Verdict, working_time_between
from dashboard.open_data import OPEN_DATA_COLUMNS
from dashboard.transparency import handling_seconds, public_units, transparency
from dossiers.models import Dossier, Satisfaction
from tests.factories import DossierFactory
from tests.world import NOW

YEAR_START = date(2026, 1, 1)


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def year(world, add_random_dossiers):
    add_random_dossiers(world, 60, seed=11)
    # Resolved last year: not part of this year's figures.
    DossierFactory(
        resolved=True,
        receiving_unit=world.town,
        procedure=world.town_procedure,
        received_at=datetime(2025, 12, 20, 9, tzinfo=TZ),
        resolved_at=datetime(2025, 12, 29, 9, tzinfo=TZ),
        verdict=Verdict.ON_TIME,
        rating=Satisfaction.DISSATISFIED,
    )
    return world


def test_units_are_the_town_and_its_wards(world):
    assert [unit.code for unit in public_units()] == [
        "H26.45",
        "H26.45.01",
        "H26.45.02",
        "H26.45.03",
    ]


def test_figures_equal_direct_counts(year):
    figures = transparency()
    calendar = get_working_calendar()
    start = datetime(2026, 1, 1, tzinfo=TZ)
    assert figures.year == 2026 and figures.first == YEAR_START and figures.last == NOW.date()
    for row in figures.rows:
        finished = Dossier.objects.filter(receiving_unit__code=row.code, resolved_at__gte=start)
        in_time = finished.filter(verdict__in=[Verdict.EARLY, Verdict.ON_TIME]).count()
        assert (row.finished, row.finished_on_time) == (finished.count(), in_time)
        assert (
            row.received
            == Dossier.objects.filter(receiving_unit__code=row.code, received_at__gte=start).count()
        )
        ratings = [d.rating for d in finished.exclude(rating=None).select_related("rating")]
        assert row.rated == len(ratings)
        assert row.satisfied == sum(r.level != Satisfaction.DISSATISFIED for r in ratings)
        worked = sum(
            (working_time_between(calendar, d.received_at, d.resolved_at) for d in finished),
            timedelta(),
        )
        assert row.working_seconds == pytest.approx(worked.total_seconds())
        if row.finished:
            expected = worked.total_seconds() / row.finished / 3600 / 8
            assert row.average_handling_days == round(expected, 1)
    total = figures.total
    assert total.finished == sum(row.finished for row in figures.rows)
    assert total.on_time_rate == round(100 * total.finished_on_time / total.finished, 2)


def test_handling_time_counts_working_time_only(world, clock):
    CalendarOverride.objects.create(
        date=date(2026, 11, 17), kind=OverrideKind.HOLIDAY, name="Nghỉ thử"
    )
    cache.clear()  # the working calendar
    cases = [
        (at(13, 16), at(16, 9, 30), 2.5),  # Friday 16:00 → Monday 09:30
        (at(14, 9), at(16, 10), 2),  # Saturday reception → Monday 10:00
        (at(18, 12, 30), at(18, 13, 30), 0.5),  # from the lunch break
        (at(18, 7), at(18, 18), 8),  # before opening → after closing
        (at(16, 17), at(18, 8), 0),  # Monday close → Wednesday open, Tuesday off
    ]
    ward = world.wards[0]
    for received, resolved, _hours in cases:
        DossierFactory(
            resolved=True,
            receiving_unit=ward,
            procedure=world.ward_procedure,
            received_at=received,
            resolved_at=resolved,
            verdict=Verdict.EARLY,
        )
    seconds = handling_seconds([ward], date(2026, 11, 1), date(2026, 11, 25))
    assert seconds[ward.pk] == pytest.approx(sum(hours for *_t, hours in cases) * 3600)


def test_published_procedures_are_counted_where_they_are_handled(year):
    figures = transparency()
    counts = {row.code: row.published_procedures for row in figures.rows}
    # The town's desk answers for its offices (the two town procedures and birth
    # registration); the unpublished procedure never counts.
    assert counts == {"H26.45": 3, "H26.45.01": 1, "H26.45.02": 1, "H26.45.03": 1}
    assert figures.total.published_procedures == 4


def test_figures_are_cached_briefly(year):
    first = transparency()
    with CaptureQueriesContext(connection) as captured:
        again = transparency()
    assert len(captured) == 0 and again.generated_at == first.generated_at


def test_query_count_does_not_grow_with_the_data(world, add_random_dossiers):
    add_random_dossiers(world, 20, seed=21)

    def counted():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            transparency()
        return len(captured)

    few = counted()
    add_random_dossiers(world, 100, seed=22)
    assert counted() == few


def test_page_is_public(client, year):
    response = client.get("/transparency/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "Công khai kết quả giải quyết thủ tục hành chính",
        "Thị xã Sơn Tây",
        "Xã Cổ Đông",
        "Thời gian giải quyết bình quân (ngày làm việc)",
        "Tất cả đơn vị",
        'href="/transparency/data.csv"',
        'href="/transparency/data.json"',
    ]:
        assert text in page, text


def test_csv_open_data(client, year):
    response = client.get("/transparency/data.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=300" in response["Cache-Control"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == OPEN_DATA_COLUMNS
    assert [row["unit_code"] for row in rows] == [
        "H26.45",
        "H26.45.01",
        "H26.45.02",
        "H26.45.03",
        "",
    ]
    assert [row["row_type"] for row in rows] == ["unit"] * 4 + ["total"]
    figures = transparency()
    town_row = figures.rows[0]
    assert rows[0]["on_time_rate"] == str(town_row.on_time_rate)
    assert rows[0]["finished"] == str(town_row.finished)
    assert rows[-1]["published_procedures"] == "4"


def test_json_open_data(client, year):
    response = client.get("/transparency/data.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    body = json.loads(response.content)
    assert set(body) == {"year", "period_start", "period_end", "generated_at", "units", "total"}
    assert (body["year"], body["period_start"], body["period_end"]) == (
        2026,
        "2026-01-01",
        "2026-11-23",
    )
    assert list(body["units"][0]) == OPEN_DATA_COLUMNS
    assert body["units"][1]["unit_name"] == "Phường Lê Lợi"
    assert body["total"]["row_type"] == "total"
    assert isinstance(body["total"]["average_handling_working_days"], float)


def test_empty_installation(client, db):
    assert client.get("/transparency/").status_code == 200
    body = client.get("/transparency/data.json").json()
    assert body["units"] == [] and body["total"]["on_time_rate"] is None


def test_the_total_is_named_in_the_readers_language(client, year):
    assert client.get("/transparency/data.json").json()["total"]["unit_name"] == "Tất cả đơn vị"
    client.cookies["django_language"] = "en"
    assert client.get("/transparency/data.json").json()["total"]["unit_name"] == "All units"
    assert "All units" in client.get("/transparency/").content.decode()
