"""Deadline arithmetic (DESIGN.md §3.4) against Vietnam's 2026 calendar.

Expected datetimes are worked out by hand in the comments; office hours are the default
08:00-12:00 and 13:00-17:00, so one working day is 8 hours.
"""

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.workdays import (
    TZ,
    LimitUnit,
    Verdict,
    WorkingCalendar,
    add_working_time,
    compute_due,
    next_working_instant,
    parse_periods,
    resume_due,
    split_working_duration,
    verdict,
    working_time_between,
)

# Vietnam's 2026 public holidays, as announced; 31 Aug is swapped with Saturday 22 Aug.
HOLIDAYS_2026 = frozenset(
    {
        date(2026, 1, 1),
        *(date(2026, 2, day) for day in range(16, 21)),  # Tết, Mon 16 - Fri 20 Feb
        date(2026, 4, 27),  # Hùng Kings, observed
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),  # Vietnam Culture Day
    }
)
CAL = WorkingCalendar(holidays=HOLIDAYS_2026, makeup_days=frozenset({date(2026, 8, 22)}))

SIXTY_WORKING_DAYS_IN_WORKING_TIME = 60 * timedelta(hours=8)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
    return datetime(year, month, day, hour, minute, second, tzinfo=TZ)


def hours(amount: float) -> timedelta:
    return timedelta(hours=amount)


# --- calendar -------------------------------------------------------------------------------


def test_default_calendar_has_eight_hour_days():
    assert WorkingCalendar().hours_per_day == hours(8)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 2), True),  # Monday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 2, 17), False),  # Tết, a Tuesday
        (date(2026, 8, 22), True),  # make-up Saturday
        (date(2026, 8, 31), False),  # the Monday swapped for it
    ],
)
def test_is_working_day(day, working):
    assert CAL.is_working_day(day) is working


def test_makeup_day_wins_over_a_holiday_listing_the_same_date():
    both = date(2026, 8, 22)
    cal = WorkingCalendar(holidays=frozenset({both}), makeup_days=frozenset({both}))
    assert cal.is_working_day(both)


def test_calendar_accepts_plain_collections():
    cal = WorkingCalendar(periods=[(time(7, 30), time(11, 30))], holidays=[date(2026, 1, 1)])
    assert cal.hours_per_day == hours(4)
    assert not cal.is_working_day(date(2026, 1, 1))
    assert hash(cal)


def test_parse_periods():
    assert parse_periods("07:30-11:30, 13:30-17:00") == (
        (time(7, 30), time(11, 30)),
        (time(13, 30), time(17)),
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "08:00",
        "8h-12h",
        "08:00-12:00-13:00",
        "12:00-08:00",
        "08:00-08:00",
        "08:00-12:00,11:00-17:00",  # overlap
        "13:00-17:00,08:00-12:00",  # unsorted
    ],
)
def test_parse_periods_rejects_bad_input(text):
    with pytest.raises(ValueError):
        parse_periods(text)


def test_calendar_rejects_an_empty_workweek():
    with pytest.raises(ValueError, match="workweek"):
        WorkingCalendar(workweek=frozenset())


# --- start rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "clock_starts"),
    [
        (at(2026, 3, 2, 7), at(2026, 3, 2, 8)),  # before opening
        (at(2026, 3, 2, 8), at(2026, 3, 2, 8)),  # at opening
        (at(2026, 3, 2, 10, 15), at(2026, 3, 2, 10, 15)),  # inside a period
        (at(2026, 3, 2, 12), at(2026, 3, 2, 13)),  # end of the morning belongs to lunch
        (at(2026, 3, 2, 12, 30), at(2026, 3, 2, 13)),  # lunch
        (at(2026, 3, 2, 17), at(2026, 3, 3, 8)),  # exactly at closing
        (at(2026, 3, 2, 18), at(2026, 3, 3, 8)),  # after closing
        (at(2026, 3, 6, 17), at(2026, 3, 9, 8)),  # Friday closing -> Monday
        (at(2026, 3, 7, 9), at(2026, 3, 9, 8)),  # Saturday-morning reception
        (at(2026, 4, 30, 9), at(2026, 5, 4, 8)),  # Thu 30/04, Fri 01/05 off, weekend
    ],
)
def test_next_working_instant(received, clock_starts):
    assert next_working_instant(CAL, received) == clock_starts


def test_next_working_instant_converts_to_calendar_time():
    # 01:30 UTC is 08:30 in Hanoi, inside the morning period.
    received = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    result = next_working_instant(CAL, received)
    assert result == at(2026, 3, 2, 8, 30)
    assert result.tzinfo == TZ


# --- working days and hours -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "amount", "unit", "due"),
    [
        # Mon 08:00 + 3 days: Mon, Tue, Wed fully -> the close of Wednesday, not Thu 08:00.
        (at(2026, 3, 2, 8), 3, LimitUnit.WORKING_DAYS, at(2026, 3, 4, 17)),
        # Mon 08:00 + 4 h: the whole morning -> 12:00, not 13:00.
        (at(2026, 3, 2, 8), 4, LimitUnit.WORKING_HOURS, at(2026, 3, 2, 12)),
        # Half a day is four hours.
        (at(2026, 3, 2, 8), Decimal("0.5"), LimitUnit.WORKING_DAYS, at(2026, 3, 2, 12)),
        (at(2026, 3, 2, 8), 0.5, "working_days", at(2026, 3, 2, 12)),
        # Mon 13:00 + 1 day: Mon 13-17 (4 h), Tue 08-12 (4 h) -> Tue 12:00.
        (at(2026, 3, 2, 13), 1, LimitUnit.WORKING_DAYS, at(2026, 3, 3, 12)),
        # Mon 11:00 + 2 h: 11-12 (1 h), lunch, 13-14 (1 h).
        (at(2026, 3, 2, 11), 2, LimitUnit.WORKING_HOURS, at(2026, 3, 2, 14)),
        # After hours: the clock starts Tue 08:00, so 1 day ends Tue 17:00.
        (at(2026, 3, 2, 18), 1, LimitUnit.WORKING_DAYS, at(2026, 3, 3, 17)),
        # Received at lunch: 13:00 + 3 h.
        (at(2026, 3, 2, 12, 30), 3, LimitUnit.WORKING_HOURS, at(2026, 3, 2, 16)),
        # Saturday reception: the clock starts Mon 08:00.
        (at(2026, 3, 7, 9), 2, LimitUnit.WORKING_HOURS, at(2026, 3, 9, 10)),
        # A zero limit is the start rule itself.
        (at(2026, 3, 2, 18), 0, LimitUnit.WORKING_HOURS, at(2026, 3, 3, 8)),
        # Seconds are kept: Mon 09:00:30 + 1 h.
        (at(2026, 3, 2, 9, 0, 30), 1, LimitUnit.WORKING_HOURS, at(2026, 3, 2, 10, 0, 30)),
    ],
)
def test_compute_due_in_working_time(received, amount, unit, due):
    assert compute_due(CAL, received, amount, unit) == due


def test_tet_2026_is_skipped():
    # Fri 13/02 10:00 + 3 days (24 h): Fri 10-12 and 13-17 (6 h, 18 h left); the weekend,
    # Tết Mon 16 - Fri 20 and the next weekend are skipped; Mon 23 (8 h, 10 left),
    # Tue 24 (8 h, 2 left); Wed 25 08:00 + 2 h.
    assert compute_due(CAL, at(2026, 2, 13, 10), 3, LimitUnit.WORKING_DAYS) == at(2026, 2, 25, 10)


def test_makeup_saturday_is_worked():
    # Fri 21/08 08:00 + 2 days: Friday, then the make-up Saturday 22/08 -> Sat 17:00.
    assert compute_due(CAL, at(2026, 8, 21, 8), 2, LimitUnit.WORKING_DAYS) == at(2026, 8, 22, 17)
    # A dossier received on the make-up Saturday starts at once.
    assert next_working_instant(CAL, at(2026, 8, 22, 10)) == at(2026, 8, 22, 10)


def test_national_day_break_is_skipped():
    # Fri 28/08 13:00 + 1 day: Fri 13-17 (4 h); weekend; Mon 31/08 (swapped), Tue 01/09 and
    # Wed 02/09 off; Thu 03/09 08:00 + 4 h -> 12:00.
    assert compute_due(CAL, at(2026, 8, 28, 13), 1, LimitUnit.WORKING_DAYS) == at(2026, 9, 3, 12)


def test_culture_day_is_skipped():
    # Mon 23/11 14:00 + 1 day: Mon 14-17 (3 h); Tue 24/11 off; Wed 25/11 08-12 (4 h) and
    # 13-14 (1 h) -> Wed 14:00.
    assert compute_due(CAL, at(2026, 11, 23, 14), 1, LimitUnit.WORKING_DAYS) == at(2026, 11, 25, 14)


def test_sixty_working_days_across_tet():
    # Mon 05/01 08:00: six full weeks to Fri 13/02 (30 days), Tết week off, six more full
    # weeks from Mon 23/02 (30 days) -> Fri 03/04 17:00.
    due = compute_due(CAL, at(2026, 1, 5, 8), 60, LimitUnit.WORKING_DAYS)
    assert due == at(2026, 4, 3, 17)


def test_add_working_time_rejects_negative_duration():
    with pytest.raises(ValueError, match="negative"):
        add_working_time(CAL, at(2026, 3, 2, 8), hours(-1))


# --- calendar days and same day -------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Mon 02/03 + 2 -> Wed 04/03, a working day: its close.
        (at(2026, 3, 2, 10), 2, at(2026, 3, 4, 17)),
        # Mon 02/03 + 5 -> Sat 07/03 -> Mon 09/03 close.
        (at(2026, 3, 2, 10), 5, at(2026, 3, 9, 17)),
        # Fri 24/04 + 3 -> Mon 27/04 (Hùng Kings) -> Tue 28/04 close.
        (at(2026, 4, 24, 10), 3, at(2026, 4, 28, 17)),
        # Fri 06/03 18:00 starts Mon 09/03 08:00; + 1 -> Tue 10/03 close.
        (at(2026, 3, 6, 18), 1, at(2026, 3, 10, 17)),
    ],
)
def test_calendar_days_due_at_close_of_a_working_day(received, days, due):
    assert compute_due(CAL, received, days, LimitUnit.CALENDAR_DAYS) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 3, 3, 7, 30), at(2026, 3, 3, 17)),  # before opening counts as before cut-off
        (at(2026, 3, 3, 14, 59), at(2026, 3, 3, 17)),  # just before 15:00
        (at(2026, 3, 3, 15), at(2026, 3, 4, 17)),  # exactly at the cut-off -> next day
        (at(2026, 3, 3, 16), at(2026, 3, 4, 17)),  # after the cut-off
        (at(2026, 3, 6, 15, 30), at(2026, 3, 9, 17)),  # Friday after the cut-off -> Monday
        (at(2026, 3, 7, 9), at(2026, 3, 9, 17)),  # Saturday-morning reception
        (at(2026, 4, 30, 9), at(2026, 5, 4, 17)),  # holiday; 01/05 and the weekend too
        (at(2026, 8, 22, 9), at(2026, 8, 22, 17)),  # make-up Saturday is a working day
    ],
)
def test_same_day_with_default_cutoff(received, due):
    assert compute_due(CAL, received, 0, LimitUnit.SAME_DAY) == due


def test_same_day_with_custom_cutoff():
    cutoff = time(11)
    assert compute_due(CAL, at(2026, 3, 3, 10, 59), 1, "same_day", cutoff) == at(2026, 3, 3, 17)
    assert compute_due(CAL, at(2026, 3, 3, 11), 1, "same_day", cutoff) == at(2026, 3, 4, 17)


def test_same_day_cutoff_after_closing_is_capped_at_closing():
    # Received after closing, it cannot be due at 17:00 that same day.
    due = compute_due(CAL, at(2026, 3, 3, 17, 10), 0, LimitUnit.SAME_DAY, time(17, 30))
    assert due == at(2026, 3, 4, 17)


# --- pause and resume -----------------------------------------------------------------------


def test_pause_over_a_weekend_keeps_the_remaining_working_time():
    # Due Mon 09/03 15:00; paused Fri 06/03 15:00, leaving Fri 15-17 (2 h) + Mon 08-12 (4 h)
    # + 13-15 (2 h) = 8 h, one working day. Resumed Mon 09:00: Mon 09-12 (3 h) and
    # 13-17 (4 h), then Tue 08:00 + 1 h -> Tue 09:00.
    due = at(2026, 3, 9, 15)
    paused = at(2026, 3, 6, 15)
    assert working_time_between(CAL, paused, due) == hours(8)
    assert resume_due(CAL, due, paused, at(2026, 3, 9, 9)) == at(2026, 3, 10, 9)


def test_pause_after_due_keeps_the_dossier_late():
    due = at(2026, 3, 3, 10)
    assert resume_due(CAL, due, at(2026, 3, 3, 11), at(2026, 3, 5, 9)) == due
    assert resume_due(CAL, due, due, at(2026, 3, 5, 9)) == due


def test_resume_before_pause_is_rejected():
    with pytest.raises(ValueError, match="precedes"):
        resume_due(CAL, at(2026, 3, 9, 15), at(2026, 3, 6, 15), at(2026, 3, 6, 14))


# --- working time between and its display ---------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "working"),
    [
        (at(2026, 3, 2, 11), at(2026, 3, 2, 14), hours(2)),  # across lunch
        (at(2026, 3, 6, 16), at(2026, 3, 9, 9), hours(2)),  # across a weekend
        (at(2026, 2, 13, 16), at(2026, 2, 23, 9), hours(2)),  # across Tết
        (at(2026, 3, 7, 9), at(2026, 3, 8, 9), hours(0)),  # inside a weekend
        (at(2026, 3, 2, 14), at(2026, 3, 2, 11), hours(-2)),  # backwards: late by 2 h
        (at(2026, 3, 2, 8), at(2026, 3, 16, 8), hours(80)),  # two full weeks
        # 2026: 261 weekdays, 13 of them holidays, plus the make-up Saturday -> 249 days.
        (at(2026, 1, 1), at(2027, 1, 1), 249 * hours(8)),
    ],
)
def test_working_time_between(start, end, working):
    assert working_time_between(CAL, start, end) == working


@pytest.mark.parametrize(
    ("duration", "parts"),
    [
        (hours(19), (2, 3, 0)),
        (hours(0), (0, 0, 0)),
        (-hours(19.5), (2, 3, 30)),  # a lateness reads as its magnitude
        (timedelta(hours=1, seconds=59), (0, 1, 0)),  # seconds are dropped
    ],
)
def test_split_working_duration(duration, parts):
    assert split_working_duration(CAL, duration) == parts


# --- verdict --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (at(2026, 3, 3, 16), Verdict.EARLY),  # the day before the due day
        (at(2026, 3, 4, 9), Verdict.ON_TIME),  # on the due day, before the due time
        (at(2026, 3, 4, 17), Verdict.ON_TIME),  # exactly at the due time
        (at(2026, 3, 4, 17, 0, 1), Verdict.LATE),
        # 23:30 UTC on 03/03 is 06:30 on 04/03 in Hanoi: the due day, so not early.
        (datetime(2026, 3, 3, 23, 30, tzinfo=UTC), Verdict.ON_TIME),
    ],
)
def test_verdict(finished, expected):
    assert verdict(CAL, finished, at(2026, 3, 4, 17)) is expected


# --- bad input ------------------------------------------------------------------------------

NAIVE = datetime(2026, 3, 2, 9)
AWARE = at(2026, 3, 2, 9)


@pytest.mark.parametrize(
    "call",
    [
        lambda: next_working_instant(CAL, NAIVE),
        lambda: add_working_time(CAL, NAIVE, hours(1)),
        lambda: working_time_between(CAL, NAIVE, AWARE),
        lambda: working_time_between(CAL, AWARE, NAIVE),
        lambda: compute_due(CAL, NAIVE, 1, LimitUnit.WORKING_DAYS),
        lambda: compute_due(CAL, NAIVE, 0, LimitUnit.SAME_DAY),
        lambda: resume_due(CAL, AWARE, NAIVE, AWARE),
        lambda: verdict(CAL, NAIVE, AWARE),
    ],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        (-1, LimitUnit.WORKING_DAYS, "non-negative"),
        (Decimal("-0.5"), LimitUnit.WORKING_HOURS, "non-negative"),
        (float("nan"), LimitUnit.WORKING_DAYS, "non-negative"),
        ("abc", LimitUnit.WORKING_DAYS, "not a number"),
        (1, "weeks", "unknown time-limit unit"),
        (Decimal("1.5"), LimitUnit.CALENDAR_DAYS, "whole number"),
    ],
)
def test_bad_limits_are_rejected(amount, unit, message):
    with pytest.raises(ValueError, match=message):
        compute_due(CAL, AWARE, amount, unit)


# --- properties -----------------------------------------------------------------------------

starts = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31, 23, 59),
    timezones=st.sampled_from([TZ, UTC, timezone(timedelta(hours=-5))]),
)
working_hour_amounts = st.decimals(min_value=0, max_value=200, places=2)
working_day_amounts = st.decimals(min_value=0, max_value=60, places=2)
limits = st.one_of(
    st.tuples(working_hour_amounts, st.just(LimitUnit.WORKING_HOURS)),
    st.tuples(working_day_amounts, st.just(LimitUnit.WORKING_DAYS)),
)


def limit_as_working_time(amount: Decimal, unit: LimitUnit) -> timedelta:
    # Amounts have two decimal places, so the limit is a whole number of seconds.
    hours_per_unit = 8 if unit is LimitUnit.WORKING_DAYS else 1
    return timedelta(seconds=int(amount * hours_per_unit * 3600))


def lies_in_working_time(moment: datetime) -> bool:
    local = moment.astimezone(TZ)
    in_a_period = any(start <= local.time() <= end for start, end in CAL.periods)
    return CAL.is_working_day(local.date()) and in_a_period


@settings(deadline=None, max_examples=200)
@given(start=starts, limit=limits)
def test_due_is_the_limit_in_working_time_after_the_start(start, limit):
    due = compute_due(CAL, start, *limit)
    assert working_time_between(CAL, next_working_instant(CAL, start), due) == (
        limit_as_working_time(*limit)
    )
    assert lies_in_working_time(due)
    assert due.tzinfo == TZ


@settings(deadline=None, max_examples=200)
@given(start=starts, limit=limits, extra=st.decimals(min_value=0, max_value=10, places=2))
def test_due_is_monotonic_in_the_amount(start, limit, extra):
    amount, unit = limit
    assert compute_due(CAL, start, amount, unit) <= compute_due(CAL, start, amount + extra, unit)


@settings(deadline=None, max_examples=200)
@given(
    start=starts,
    limit=limits,
    pause_fraction=st.floats(min_value=0, max_value=1),
    wait=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
)
def test_pause_and_resume_preserve_the_limit(start, limit, pause_fraction, wait):
    clock_start = next_working_instant(CAL, start)
    due = compute_due(CAL, start, *limit)
    paused = clock_start + (due - clock_start) * pause_fraction
    before_pause = working_time_between(CAL, clock_start, paused)
    assume(before_pause < limit_as_working_time(*limit))
    resumed = paused + wait

    new_due = resume_due(CAL, due, paused, resumed)

    after_resume = working_time_between(CAL, resumed, new_due)
    assert before_pause + after_resume == limit_as_working_time(*limit)


@settings(deadline=None, max_examples=200)
@given(start=starts, end=starts)
def test_working_time_between_is_antisymmetric_and_additive(start, end):
    middle = start + (end - start) / 2
    forward = working_time_between(CAL, start, end)
    assert working_time_between(CAL, end, start) == -forward
    assert working_time_between(CAL, start, middle) + working_time_between(CAL, middle, end) == (
        forward
    )


@settings(deadline=None, max_examples=100)
@given(first=st.dates(date(2025, 1, 1), date(2027, 12, 31)), span=st.integers(0, 120))
def test_whole_days_count_like_a_day_by_day_walk(first, span):
    last = first + timedelta(days=span)
    walked = sum(CAL.is_working_day(first + timedelta(days=i)) for i in range(span))
    start = datetime.combine(first, time.min, tzinfo=TZ)
    end = datetime.combine(last, time.min, tzinfo=TZ)
    assert working_time_between(CAL, start, end) == walked * CAL.hours_per_day
