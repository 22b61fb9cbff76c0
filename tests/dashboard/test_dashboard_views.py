"""/dashboard/ and /dashboard/data.json: for leaders only, filtered, never a 500."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import Dossier
from dossiers.reporting.digitisation import digitisation_figures
from tests.factories import DossierFactory
from tests.reform_index.factories import AssessmentFactory, ScorecardFactory
from tests.world import NOW

PAGE, DATA = "/dashboard/", "/dashboard/data.json"


@pytest.fixture
def figures(world, add_random_dossiers):
    add_random_dossiers(world, 40, seed=3)
    DossierFactory(
        receiving_unit=world.ward,
        procedure=world.ward_procedure,
        received_at=NOW - timedelta(days=30),
        due_at=NOW - timedelta(days=3),
        handler=world.specialist,
    )
    scorecard = ScorecardFactory(year=2025, published=True)
    for rank, ward in enumerate(world.wards, start=1):
        AssessmentFactory(scorecard=scorecard, unit=ward, rank=rank, total=90 - rank, grade="Tốt")
    return world


def test_anonymous_visitors_are_sent_to_the_login_page(client, figures):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/")
    assert client.get(DATA).status_code == 403


@pytest.mark.parametrize("who", ["citizen", "desk_officer", "specialist"])
def test_other_roles_are_refused(client, figures, who):
    client.force_login(getattr(figures, who))
    assert client.get(PAGE).status_code == 403
    response = client.get(DATA)
    assert response.status_code == 403
    assert "lãnh đạo" in response.json()["detail"]


@pytest.mark.parametrize("who", ["leader", "ward_leader", "index_officer", "admin"])
def test_leaders_see_the_dashboard(client, figures, who):
    client.force_login(getattr(figures, who))
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bảng điều hành" in page
    assert 'id="dashboard-data"' in page and "chart.umd.min.js" in page
    assert 'href="/dashboard/" aria-current="page"' in page


def test_page_shows_every_figure(client, figures):
    client.force_login(figures.leader)
    page = client.get(PAGE, {"from": "2026-08-01", "to": "2026-11-23"}).content.decode()
    overdue = Dossier.objects.filter(handler=figures.specialist).get()
    for text in [
        "Đã tiếp nhận",
        "Tỷ lệ đúng hạn",
        "Đang quá hạn",
        "Thị xã Sơn Tây",
        "Phường Lê Lợi",
        "Tư pháp",
        "08/2026",
        overdue.code,
        "Nguyễn Văn An",
        "Xếp hạng Chỉ số cải cách hành chính",
        "Tốt",
    ]:
        assert text in page, text


def test_the_digitisation_figures_are_the_selectors_for_the_leaders_scope(client, figures):
    client.force_login(figures.leader)
    period = {"from": "2026-08-01", "to": "2026-11-23"}
    page = client.get(PAGE, period).content.decode()
    assert 'id="table-digitisation"' in page
    shown = client.get(DATA, period).json()["digitisation"]
    scope = Dossier.objects.visible_to(figures.leader)
    expected = digitisation_figures(date(2026, 8, 1), date(2026, 11, 23), scope)
    assert [(row["code"], row["received"], row["fully_digitised"]) for row in shown] == [
        (row.code, row.received, row.fully_digitised) for row in expected
    ]
    assert sum(row["received"] for row in shown) > 0


def test_data_json_has_the_documented_keys(client, figures):
    client.force_login(figures.leader)
    data = client.get(DATA, {"from": "2026-10-01", "to": "2026-11-23", "unit": "H26.45.01"})
    assert data.status_code == 200
    body = data.json()
    assert set(body) == {
        "from",
        "to",
        "unit",
        "generated_at",
        "totals",
        "comparison",
        "units",
        "fields",
        "months",
        "overdue",
        "at_risk",
        "ranking",
        "digitisation",
        "payments",
    }
    assert (body["from"], body["to"], body["unit"]) == ("2026-10-01", "2026-11-23", "H26.45.01")
    assert [row["code"] for row in body["units"]] == ["H26.45.01"]
    assert [row["code"] for row in body["months"]] == ["2026-10", "2026-11"]
    assert {"received", "finished", "on_time_rate", "online_share", "satisfaction_rate"} <= set(
        body["totals"]
    )
    assert body["overdue"]["count"] == len(body["overdue"]["dossiers"]) >= 1
    assert body["ranking"]["rows"][0]["unit"] == "H26.45.01"
    (digitised,) = body["digitisation"]
    assert digitised["code"] == "H26.45.01"
    assert {"fully_digitised_rate", "reuse_rate", "electronic_result_rate"} <= set(digitised)


def test_the_default_period_is_this_year(client, figures):
    client.force_login(figures.leader)
    body = client.get(DATA).json()
    assert (body["from"], body["to"]) == ("2026-01-01", "2026-11-23")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "hôm qua"}, "to"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),
        ({"from": "1990-01-01", "to": "1999-01-01"}, "from"),
        ({"from": "2010-01-01", "to": "2026-01-01"}, "from"),
        ({"unit": "NOPE"}, "unit"),
        ({"unit": "H26.45.MC"}, "unit"),
    ],
)
def test_bad_filters_give_a_message_per_field(client, figures, params, field):
    client.force_login(figures.leader)
    response = client.get(DATA, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    page = client.get(PAGE, params)
    assert page.status_code == 200
    content = page.content.decode()
    assert "vui lòng sửa bộ lọc" in content
    assert 'id="dashboard-data"' not in content


def test_a_ward_leader_cannot_pick_another_ward(client, figures):
    client.force_login(figures.ward_leader)
    response = client.get(DATA, {"unit": "H26.45.02"})
    assert response.status_code == 400
    assert "unit" in response.json()
    page = client.get(PAGE).content.decode()
    assert "Phường Ngô Quyền" not in page.split("Xếp hạng")[0]


def test_navigation_links(client, figures):
    anonymous = client.get("/transparency/").content.decode()
    assert 'href="/transparency/"' in anonymous and 'href="/dashboard/"' not in anonymous
    client.force_login(figures.citizen)
    assert 'href="/dashboard/"' not in client.get("/transparency/").content.decode()
    client.force_login(figures.leader)
    assert 'href="/dashboard/"' in client.get("/transparency/").content.decode()


def page_queries(client, user):
    cache.clear()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE, {"from": "2026-08-01"}).status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_the_data(
    client, figures, add_random_dossiers, add_overdue_and_at_risk
):
    add_overdue_and_at_risk(figures)
    few = page_queries(client, figures.leader)
    add_random_dossiers(figures, 120, seed=4)
    assert page_queries(client, figures.leader) == few
