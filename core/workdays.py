"""Deadline arithmetic in working time (DESIGN.md §3.4).

Pure functions over a `WorkingCalendar` that the caller builds from the database, so this
module stays free of Django and can be tested and reused (reports, Celery sweeps, forms).

All arithmetic happens on the calendar's local wall-clock time: office hours are wall-clock
hours, and Vietnam has no daylight saving time.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import cached_property
from itertools import pairwise
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

DEFAULT_SAME_DAY_CUTOFF = time(15)

Periods = tuple[tuple[time, time], ...]

_ONE_DAY = timedelta(days=1)
_ONE_HOUR = timedelta(hours=1)
_ONE_MINUTE = timedelta(minutes=1)
_ONE_MICROSECOND = timedelta(microseconds=1)
_WEEKDAYS = frozenset(range(7))


class LimitUnit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    SAME_DAY = "same_day"


class Verdict(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


@dataclass(frozen=True)
class WorkingCalendar:
    """Office hours, working week, public holidays and make-up working days.

    A date listed both as a holiday and as a make-up day is a working day: the make-up
    announcement is the more specific decision (it names that very date as worked).
    """

    periods: Periods = ((time(8), time(12)), (time(13), time(17)))
    workweek: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday=0
    holidays: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()
    tz: ZoneInfo = TZ

    def __post_init__(self) -> None:
        # Callers pass lists or querysets' values; freezing them keeps the calendar hashable.
        object.__setattr__(self, "periods", _validated_periods(tuple(self.periods)))
        object.__setattr__(self, "workweek", _validated_workweek(frozenset(self.workweek)))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "makeup_days", frozenset(self.makeup_days))

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_days:
            return True
        return day not in self.holidays and day.weekday() in self.workweek

    @cached_property
    def hours_per_day(self) -> timedelta:
        return sum((_span(start, end) for start, end in self.periods), timedelta())

    @property
    def closing_time(self) -> time:
        return self.periods[-1][1]


def parse_periods(text: str) -> Periods:
    """Parse office hours written as "08:00-12:00,13:00-17:00"."""
    pieces = [piece.strip() for piece in text.split(",") if piece.strip()]
    return _validated_periods(tuple(_parse_period(piece) for piece in pieces))


def next_working_instant(cal: WorkingCalendar, at: datetime) -> datetime:
    """When a clock started at `at` really starts: `at` itself inside a period, else the
    start of the next period (the end of a period already belongs to the next one)."""
    local = _local(cal, at, "at")
    if cal.is_working_day(local.date()):
        for start, end in cal.periods:
            if local.time() < start:
                return _at(cal, local.date(), start)
            if local.time() < end:
                return local
    return _opening_of(cal, _next_working_day(cal, local.date()))


def add_working_time(cal: WorkingCalendar, start: datetime, duration: timedelta) -> datetime:
    """The instant `duration` of working time after `start`.

    A result landing exactly on the end of a period is that end (Wednesday 17:00), not the
    start of the next period.
    """
    if duration < timedelta(0):
        raise ValueError(f"working time to add must not be negative, got {duration}")
    cursor = next_working_instant(cal, start)
    day, clock, remaining = cursor.date(), cursor.time(), duration
    day_length = cal.hours_per_day
    while True:
        for period_start, period_end in cal.periods:
            if period_end <= clock:
                continue
            segment_start = max(clock, period_start)
            available = _span(segment_start, period_end)
            if remaining <= available:
                return _at(cal, day, segment_start) + remaining
            remaining -= available
        day = _next_working_day(cal, day)
        # `>` rather than `>=`: a remainder of exactly one day must end at that day's close.
        while remaining > day_length:
            remaining -= day_length
            day = _next_working_day(cal, day)
        clock = time.min


def working_time_between(cal: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time in [start, end); negative when `end` precedes `start`, so an overrun
    reads as "late by" the working time from the due time to now."""
    local_start, local_end = _local(cal, start, "start"), _local(cal, end, "end")
    if local_end < local_start:
        return -working_time_between(cal, local_end, local_start)
    first_day, last_day = local_start.date(), local_end.date()
    if first_day == last_day:
        return _working_time_within_day(cal, first_day, local_start.time(), local_end.time())
    return (
        _working_time_within_day(cal, first_day, local_start.time(), time.max)
        + _count_working_days(cal, first_day + _ONE_DAY, last_day) * cal.hours_per_day
        + _working_time_within_day(cal, last_day, time.min, local_end.time())
    )


def compute_due(
    cal: WorkingCalendar,
    start: datetime,
    amount: Decimal | int | float,
    unit: LimitUnit | str,
    cutoff: time | None = None,
) -> datetime:
    """The due time of a dossier received at `start` under a time limit of `amount` `unit`.

    `cutoff` only applies to same-day limits (default 15:00); `amount` is ignored for them.
    """
    limit_unit = _as_limit_unit(unit)
    limit = _as_amount(amount)
    if limit_unit is LimitUnit.WORKING_DAYS:
        return add_working_time(cal, start, _scaled(cal.hours_per_day, limit))
    if limit_unit is LimitUnit.WORKING_HOURS:
        return add_working_time(cal, start, _scaled(_ONE_HOUR, limit))
    if limit_unit is LimitUnit.CALENDAR_DAYS:
        return _calendar_days_due(cal, start, limit)
    return _same_day_due(cal, start, cutoff or DEFAULT_SAME_DAY_CUTOFF)


def resume_due(
    cal: WorkingCalendar, due_at: datetime, paused_at: datetime, resumed_at: datetime
) -> datetime:
    """The due time after a pause (supplement or payment wait).

    The working time left when the clock paused is what remains from `resumed_at`. A dossier
    paused at or after its due time keeps that due time: the pause cannot make it on time.
    """
    local_due = _local(cal, due_at, "due_at")
    if _local(cal, resumed_at, "resumed_at") < _local(cal, paused_at, "paused_at"):
        raise ValueError(f"resumed_at {resumed_at} precedes paused_at {paused_at}")
    remaining = working_time_between(cal, paused_at, due_at)
    if remaining <= timedelta(0):
        return local_due
    return add_working_time(cal, resumed_at, remaining)


def verdict(cal: WorkingCalendar, finished_at: datetime, due_at: datetime) -> Verdict:
    local_finished = _local(cal, finished_at, "finished_at")
    local_due = _local(cal, due_at, "due_at")
    if local_finished.date() < local_due.date():
        return Verdict.EARLY
    if local_finished <= local_due:
        return Verdict.ON_TIME
    return Verdict.LATE


def split_working_duration(cal: WorkingCalendar, duration: timedelta) -> tuple[int, int, int]:
    """(days, hours, minutes) of a working duration's magnitude, a day being
    `cal.hours_per_day`; seconds are dropped."""
    days, rest = divmod(abs(duration), cal.hours_per_day)
    hours, rest = divmod(rest, _ONE_HOUR)
    return days, hours, rest // _ONE_MINUTE


def _validated_periods(periods: Periods) -> Periods:
    if not periods:
        raise ValueError("office hours need at least one period")
    for start, end in periods:
        if start >= end:
            raise ValueError(f"period {_format(start, end)} must start before it ends")
    for (previous_start, previous_end), (start, end) in pairwise(periods):
        if start < previous_end:
            raise ValueError(
                "periods must be in chronological order without overlap: "
                f"{_format(previous_start, previous_end)} then {_format(start, end)}"
            )
    return tuple((start, end) for start, end in periods)


def _validated_workweek(workweek: frozenset[int]) -> frozenset[int]:
    # An empty workweek would make every search for the next working day endless.
    if not workweek or not workweek <= _WEEKDAYS:
        raise ValueError(f"workweek must be a non-empty subset of 0..6, got {sorted(workweek)}")
    return workweek


def _parse_period(piece: str) -> tuple[time, time]:
    try:
        start_text, end_text = piece.split("-")
        return time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError(f"period {piece!r} is not written as HH:MM-HH:MM") from None


def _format(start: time, end: time) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


def _local(cal: WorkingCalendar, moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(cal.tz)


def _at(cal: WorkingCalendar, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=cal.tz)


def _span(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def _opening_of(cal: WorkingCalendar, day: date) -> datetime:
    return _at(cal, day, cal.periods[0][0])


def _closing_of(cal: WorkingCalendar, day: date) -> datetime:
    return _at(cal, day, cal.closing_time)


def _next_working_day(cal: WorkingCalendar, day: date) -> date:
    day += _ONE_DAY
    while not cal.is_working_day(day):
        day += _ONE_DAY
    return day


def _working_time_within_day(
    cal: WorkingCalendar, day: date, since: time, until: time
) -> timedelta:
    if not cal.is_working_day(day):
        return timedelta(0)
    overlaps = (
        _span(max(start, since), min(end, until))
        for start, end in cal.periods
        if max(start, since) < min(end, until)
    )
    return sum(overlaps, timedelta())


def _count_working_days(cal: WorkingCalendar, first: date, stop: date) -> int:
    """Working days in [first, stop), counted by whole weeks so long spans stay cheap."""
    if stop <= first:
        return 0
    full_weeks, extra_days = divmod((stop - first).days, 7)
    count = full_weeks * len(cal.workweek)
    count += sum(
        (first + timedelta(days=offset)).weekday() in cal.workweek for offset in range(extra_days)
    )
    # Holidays and make-up days are the only dates where the workweek alone is wrong.
    exceptions = (day for day in cal.holidays | cal.makeup_days if first <= day < stop)
    count += sum(cal.is_working_day(day) - (day.weekday() in cal.workweek) for day in exceptions)
    return count


def _as_limit_unit(unit: LimitUnit | str) -> LimitUnit:
    try:
        return LimitUnit(unit)
    except ValueError:
        expected = ", ".join(member.value for member in LimitUnit)
        raise ValueError(f"unknown time-limit unit {unit!r}; expected one of {expected}") from None


def _as_amount(amount: Decimal | int | float) -> Decimal:
    try:
        # Through str() so that 0.1 means one tenth, not its binary approximation.
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except InvalidOperation:
        raise ValueError(f"time-limit amount {amount!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"time-limit amount must be a non-negative number, got {amount!r}")
    return value


def _scaled(length: timedelta, amount: Decimal) -> timedelta:
    microseconds = (amount * (length // _ONE_MICROSECOND)).to_integral_value(ROUND_HALF_UP)
    return timedelta(microseconds=int(microseconds))


def _calendar_days_due(cal: WorkingCalendar, start: datetime, amount: Decimal) -> datetime:
    if amount != amount.to_integral_value():
        raise ValueError(f"a limit in calendar days must be a whole number, got {amount}")
    due_day = next_working_instant(cal, start).date() + timedelta(days=int(amount))
    if not cal.is_working_day(due_day):
        due_day = _next_working_day(cal, due_day)
    return _closing_of(cal, due_day)


def _same_day_due(cal: WorkingCalendar, start: datetime, cutoff: time) -> datetime:
    local = _local(cal, start, "start")
    # A cut-off after closing time would let a dossier received after closing be due before
    # it arrived, so closing time caps it.
    effective_cutoff = min(cutoff, cal.closing_time)
    if cal.is_working_day(local.date()) and local.time() < effective_cutoff:
        return _closing_of(cal, local.date())
    return _closing_of(cal, _next_working_day(cal, local.date()))
