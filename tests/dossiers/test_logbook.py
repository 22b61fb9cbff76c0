"""The dossier logbook (form 07): its page, its CSV and XLSX exports, filters and scope."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.workdays import TZ
from dossiers.services import transitions
from dossiers.services.intake import intake_at_counter
from tests.dossiers.conftest import intake

LOGBOOK = "/desk/logbook/"
CSV = "/desk/logbook.csv"
XLSX = "/desk/logbook.xlsx"
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
HEADINGS = [
    "STT",
    "Mã hồ sơ",
    "Thủ tục",
    "Người nộp hồ sơ",
    "Số điện thoại",
    "Ngày nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Ngày trả",
    "Trạng thái",
    "Kết quả (sớm/đúng/trễ hạn)",
]


def at(*args):
    return datetime(*args, tzinfo=TZ)


def counter_intake(world, name="Nguyễn Văn An"):
    return intake_at_counter(world.desk_officer, intake(world, name=name))


@pytest.fixture
def book(world, clock):
    """Three dossiers at the town desk: one returned (early), one being handled, one
    received the next month; and one at another ward's desk."""
    returned = counter_intake(world, name="Lê Thị Hoa")
    returned = transitions.transfer(returned, world.desk_officer, to_unit=world.justice)
    clock.move_to(at(2026, 11, 25, 10))
    returned = transitions.resolve(returned, world.specialist)
    clock.move_to(at(2026, 11, 26, 9))
    returned = transitions.return_result(returned, world.desk_officer)
    handling = transitions.transfer(
        counter_intake(world), world.desk_officer, to_unit=world.justice
    )
    clock.move_to(at(2026, 12, 1, 9))
    december = counter_intake(world, name="Phạm Văn Đức")
    elsewhere = intake_at_counter(world.other_ward_desk, intake(world, name="Ngô Thị Lan"))
    return {"returned": returned, "handling": handling, "december": december, "other": elsewhere}


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def shown_codes(response):
    return [row[1] for row in response.context["rows"]]


class TestPage:
    def test_lists_the_period_in_reception_order(self, client, world, book):
        response = get(client, world.desk_officer, LOGBOOK, **NOVEMBER)
        assert response.status_code == 200
        assert shown_codes(response) == [book["returned"].code, book["handling"].code]
        html = response.content.decode()
        for expected in ["SỔ THEO DÕI HỒ SƠ", "Mẫu số 07", "Lê Thị Hoa", "Trước hạn", *HEADINGS]:
            assert expected in html, expected
        assert "Phạm Văn Đức" not in html

    def test_opens_on_the_current_month(self, client, world, book):
        response = get(client, world.desk_officer, LOGBOOK)  # the clock is on 01/12/2026
        assert shown_codes(response) == [book["december"].code]
        assert response.context["filter_form"]["date_from"].value().isoformat() == "2026-12-01"

    def test_the_default_month_holds_across_pages(self, client, world, book, monkeypatch):
        monkeypatch.setattr("dossiers.views.printing.LOGBOOK_PAGE_SIZE", 1)
        response = get(client, world.desk_officer, LOGBOOK, page="2")
        assert response.context["page"].paginator.count == 1  # December only

    def test_filters_by_status(self, client, world, book):
        response = get(client, world.desk_officer, LOGBOOK, status="returned", date_from="")
        assert shown_codes(response) == [book["returned"].code]

    def test_a_period_without_dossiers_says_so(self, client, world, book):
        response = get(
            client, world.desk_officer, LOGBOOK, date_from="2020-01-01", date_to="2020-01-31"
        )
        html = response.content.decode()
        assert shown_codes(response) == []
        assert "Số hồ sơ: 0" in html
        assert "Không có hồ sơ nào phù hợp với điều kiện lọc." in html

    def test_an_empty_period_shows_everything_visible(self, client, world, book):
        response = get(client, world.desk_officer, LOGBOOK, date_from="", date_to="")
        codes = shown_codes(response)
        assert len(codes) == 3
        assert book["other"].code not in codes

    def test_a_leader_narrows_to_one_unit(self, client, world, book):
        everything = get(client, world.leader, LOGBOOK, date_from="")
        assert book["other"].code in shown_codes(everything)
        ward = get(client, world.leader, LOGBOOK, date_from="", unit=world.other_ward.code)
        assert shown_codes(ward) == [book["other"].code]

    def test_numbers_continue_across_pages(self, client, world, book, monkeypatch):
        monkeypatch.setattr("dossiers.views.printing.LOGBOOK_PAGE_SIZE", 2)
        response = get(client, world.desk_officer, LOGBOOK, date_from="", page="2")
        assert [row[0] for row in response.context["rows"]] == [3]

    @pytest.mark.parametrize(
        ("params", "field", "message"),
        [
            ({"date_from": "hôm qua"}, "date_from", "Nhập một ngày hợp lệ"),
            ({"date_to": "2026-02-30"}, "date_to", "Nhập một ngày hợp lệ"),
            ({"status": "lost"}, "status", "Hãy chọn một lựa chọn hợp lệ"),
            ({"unit": "NOWHERE"}, "unit", "Hãy chọn một lựa chọn hợp lệ"),
            (
                {"date_from": "2026-11-30", "date_to": "2026-11-01"},
                "date_to",
                "Ngày kết thúc không được trước ngày bắt đầu",
            ),
        ],
    )
    def test_bad_filters_are_shown_inline(self, client, world, book, params, field, message):
        response = get(client, world.desk_officer, LOGBOOK, **params)
        assert response.status_code == 200
        assert field in response.context["filter_form"].errors
        assert message in response.content.decode()
        assert "rows" not in response.context

    def test_a_unit_outside_the_users_scope_is_refused(self, client, world, book):
        response = get(client, world.ward_desk, LOGBOOK, unit=world.town.code)
        assert "unit" in response.context["filter_form"].errors

    def test_a_bad_page_number_falls_back_with_a_notice(self, client, world, book):
        response = get(client, world.desk_officer, LOGBOOK, page="abc", **NOVEMBER)
        assert response.status_code == 200
        assert response.context["page_notice"]

    def test_dates_may_be_typed_the_vietnamese_way(self, client, world, book):
        response = get(client, world.desk_officer, LOGBOOK, date_from="01/11/2026", date_to="")
        assert len(shown_codes(response)) == 3


class TestAccess:
    def test_citizens_may_not_open_it(self, client, world, book):
        for url in (LOGBOOK, CSV, XLSX):
            assert get(client, world.citizen, url).status_code == 403

    def test_anonymous_visitors_are_sent_to_log_in(self, client, book):
        for url in (LOGBOOK, CSV, XLSX):
            response = client.get(url)
            assert response.status_code == 302
            assert "login" in response["Location"]

    def test_each_desk_sees_its_own_register(self, client, world, book):
        response = get(client, world.other_ward_desk, CSV, date_from="")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert book["other"].code in body
        assert book["returned"].code not in body


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # for Excel
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


class TestExports:
    def test_csv_has_the_same_rows_as_the_page(self, client, world, book):
        response = get(client, world.desk_officer, CSV, **NOVEMBER)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "so-theo-doi-ho-so-20261101-20261130.csv" in response["Content-Disposition"]
        header, *rows = csv_rows(response)
        assert header == HEADINGS
        returned = book["returned"]
        assert rows[0] == [
            "1",
            returned.code,
            "Đăng ký khai sinh",
            "Lê Thị Hoa",
            "0912345678",
            "23/11/2026 09:00",
            "27/11/2026 09:00",
            "25/11/2026 10:00",
            "26/11/2026 09:00",
            "Đã trả kết quả",
            "Trước hạn",
        ]
        assert [row[1] for row in rows] == [returned.code, book["handling"].code]
        assert rows[1][7:9] == ["", ""]

    def test_xlsx_has_the_same_rows_with_real_dates(self, client, world, book):
        response = get(client, world.desk_officer, XLSX, status="returned", date_from="")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == HEADINGS
        assert len(rows) == 2
        number, code, procedure, name, *_rest = rows[1]
        assert (number, code, procedure, name) == (
            1,
            book["returned"].code,
            "Đăng ký khai sinh",
            "Lê Thị Hoa",
        )
        assert rows[1][5] == datetime(2026, 11, 23, 9, 0)  # local wall-clock time
        assert sheet.cell(row=2, column=6).number_format == "dd/mm/yyyy hh:mm"
        assert rows[1][10] == "Trước hạn"

    @pytest.mark.parametrize("url", [CSV, XLSX])
    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"date_from": "32/13/2026"}, "date_from"),
            ({"status": "<script>"}, "status"),
            ({"date_from": "2026-12-01", "date_to": "2026-11-01"}, "date_to"),
        ],
    )
    def test_bad_filters_are_a_400_naming_the_field(self, client, world, book, url, params, field):
        response = get(client, world.desk_officer, url, **params)
        assert response.status_code == 400
        errors = response.json()
        assert list(errors) == [field]
        assert errors[field][0]["message"]


class TestQueryCounts:
    """The logbook and its exports cost the same number of queries at any size."""

    @pytest.mark.parametrize("url", [LOGBOOK, CSV, XLSX])
    def test_flat(self, client, world, clock, url):
        client.force_login(world.desk_officer)

        def count():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, {"date_from": "2026-11-01"})
                if response.streaming:
                    b"".join(response.streaming_content)
            assert response.status_code == 200
            return len(queries)

        for _ in range(2):
            counter_intake(world)
        small = count()
        for _ in range(6):
            clock.shift(timedelta(minutes=5))
            transitions.resolve(
                transitions.transfer(counter_intake(world), world.admin), world.admin
            )
        assert count() == small
