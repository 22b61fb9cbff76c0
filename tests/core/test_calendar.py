"""The working calendar as stored: official days, admin edits, and the deadline preview."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse

from core import workdays
from core.models import CalendarOverride, OverrideKind, OverrideSource
from core.official_calendar import official_days, parse_year_range
from core.selectors import get_working_calendar
from core.services import sync_official_calendar

pytestmark = pytest.mark.django_db
TZ = workdays.TZ


def at(*args):
    return datetime(*args, tzinfo=TZ)


def test_migration_seeds_tet_2026_and_the_swapped_days():
    calendar = get_working_calendar()
    for day in range(16, 21):
        assert date(2026, 2, day) in calendar.holidays
    assert date(2026, 8, 22) in calendar.makeup_days
    assert {date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)} <= calendar.holidays
    assert date(2026, 11, 24) in calendar.holidays
    assert calendar.is_working_day(date(2026, 8, 22))


def test_official_days_name_the_days_in_vietnamese():
    names = dict((day, name) for day, _kind, name in official_days([2026]))
    assert names[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert names[date(2026, 11, 24)] == "Ngày Văn hóa Việt Nam"


def test_year_range_is_checked():
    assert list(parse_year_range("2025-2027")) == [2025, 2026, 2027]
    with pytest.raises(ValueError):
        parse_year_range("2027-2025")


def test_holiday_added_in_the_admin_moves_a_due_date(
    admin_client, django_capture_on_commit_callbacks
):
    start = at(2026, 12, 7, 8)  # Monday
    before = workdays.compute_due(get_working_calendar(), start, 3, "working_days")
    assert before == at(2026, 12, 9, 17)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:core_calendaroverride_add"),
            {"date": "2026-12-08", "kind": OverrideKind.HOLIDAY, "name": "Nghỉ đột xuất"},
        )
    assert response.status_code == 302
    assert CalendarOverride.objects.get(date=date(2026, 12, 8)).source == OverrideSource.MANUAL

    after = workdays.compute_due(get_working_calendar(), start, 3, "working_days")
    assert after == at(2026, 12, 10, 17)


def test_official_sync_never_overwrites_a_day_staff_edited(django_capture_on_commit_callbacks):
    CalendarOverride.objects.filter(date=date(2026, 11, 24)).update(
        kind=OverrideKind.WORKDAY, name="Đi làm theo quyết định", source=OverrideSource.MANUAL
    )
    with django_capture_on_commit_callbacks(execute=True):
        sync_official_calendar([2026])
    kept = CalendarOverride.objects.get(date=date(2026, 11, 24))
    assert kept.kind == OverrideKind.WORKDAY
    assert get_working_calendar().is_working_day(date(2026, 11, 24))


def test_sync_is_idempotent():
    sync_official_calendar([2026])
    count = CalendarOverride.objects.count()
    assert sync_official_calendar([2026]) == 0
    assert CalendarOverride.objects.count() == count


class TestDeadlinePreview:
    url = "/api/v1/calendar/deadline/"

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            # Friday before Tết: Fri afternoon + Mon 23/02 + Tue 24/02 morning.
            (
                {"start": "2026-02-13T10:00:00+07:00", "amount": 3, "unit": "working_days"},
                "2026-02-25T10:00:00+07:00",
            ),
            (
                {"start": "2026-11-23T08:00:00+07:00", "amount": 2, "unit": "working_days"},
                "2026-11-25T17:00:00+07:00",
            ),
            (
                {"start": "2026-11-25T16:00:00+07:00", "amount": 4, "unit": "working_hours"},
                "2026-11-26T11:00:00+07:00",
            ),
            (
                {"start": "2026-08-28T09:00:00+07:00", "amount": 3, "unit": "calendar_days"},
                "2026-09-03T17:00:00+07:00",
            ),
            (
                {"start": "2026-11-25T14:59:00+07:00", "unit": "same_day"},
                "2026-11-25T17:00:00+07:00",
            ),
            (
                {"start": "2026-11-25T14:00:00+07:00", "unit": "same_day", "cutoff": "11:00"},
                "2026-11-26T17:00:00+07:00",
            ),
        ],
    )
    def test_answers_like_the_functions(self, api_client, params, expected):
        response = api_client.get(self.url, params)
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["due_at"] == expected
        start = datetime.fromisoformat(params["start"])
        cutoff = time.fromisoformat(params["cutoff"]) if "cutoff" in params else time(15)
        direct = workdays.compute_due(
            get_working_calendar(), start, params.get("amount", 0), params["unit"], cutoff
        )
        assert datetime.fromisoformat(body["due_at"]) == direct
        assert body["start"] == params["start"]

    def test_naive_start_is_read_as_local_time(self, api_client):
        response = api_client.get(
            self.url, {"start": "2026-11-25T18:00:00", "amount": 1, "unit": "working_hours"}
        )
        assert response.json()["clock_starts_at"] == "2026-11-26T08:00:00+07:00"
        assert response.json()["due_at"] == "2026-11-26T09:00:00+07:00"

    @pytest.mark.parametrize(
        ("params", "bad_fields"),
        [
            ({}, {"start", "unit"}),
            ({"start": "yesterday", "amount": 1, "unit": "working_days"}, {"start"}),
            ({"start": "2026-11-25T08:00", "amount": -1, "unit": "working_days"}, {"amount"}),
            ({"start": "2026-11-25T08:00", "amount": "x", "unit": "working_days"}, {"amount"}),
            ({"start": "2026-11-25T08:00", "amount": 1, "unit": "fortnights"}, {"unit"}),
            ({"start": "2026-11-25T08:00", "unit": "working_days"}, {"amount"}),
            ({"start": "2026-11-25T08:00", "unit": "same_day", "cutoff": "25:00"}, {"cutoff"}),
            ({"start": "2026-11-25T08:00", "amount": 10**9, "unit": "working_days"}, {"amount"}),
        ],
    )
    def test_bad_parameters_get_a_message_each(self, api_client, params, bad_fields):
        response = api_client.get(self.url, params)
        assert response.status_code == 400
        assert set(response.json()) == bad_fields
        for messages in response.json().values():
            assert messages and all(isinstance(m, str) and m for m in messages)

    def test_messages_are_vietnamese_by_default(self, api_client):
        response = api_client.get(self.url, {"unit": "working_days"})
        assert "bắt buộc" in response.json()["start"][0]
