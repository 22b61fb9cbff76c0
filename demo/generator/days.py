"""The year's calendar of filings: how many counter and online filings each day gets,
and a working calendar quick enough for the millions of deadline computations."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core import workdays
from core.workdays import TZ

from .rates import (
    CALENDAR_REACH_YEARS,
    DAYS,
    MONTH_WEIGHTS,
    ONLINE_OFF_DAY_WEIGHT,
    ONLINE_SHARE,
    WEEKDAY_WEIGHTS,
)


@dataclass(frozen=True)
class DayPlan:
    day: date
    counter: int
    online: int


def plan_days(world, now, count, days=DAYS):
    """How many counter and online filings each of the last `days` days gets (today only up
    to `now`), summing exactly to `count`."""
    today = now.astimezone(TZ).date()
    dates = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    has_online = any(desk.online_procedures for desk in world.desks)
    online_total = round(count * ONLINE_SHARE) if has_online else 0
    counter = _allocate(count - online_total, [_counter_weight(world, d, now) for d in dates])
    online = _allocate(online_total, [_online_weight(world, d, now) for d in dates])
    return [DayPlan(day, c, o) for day, c, o in zip(dates, counter, online, strict=True)]


def _allocate(total, weights):
    """Split `total` in proportion to `weights` (largest remainders), exactly."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _counter_weight(world, day, now):
    cal = world.calendar
    month = MONTH_WEIGHTS[day.month - 1]
    if cal.is_working_day(day):
        weight = WEEKDAY_WEIGHTS[min(day.weekday(), 4)] * month
        opening = local_at(day, cal.periods[0][0])
        return weight * _elapsed_share(workdays.working_time_between(cal, opening, now), cal)
    if day.weekday() == 5 and any(desk.saturday_reception for desk in world.desks):
        start, end = (local_at(day, clock) for clock in world.saturday_hours)
        elapsed = min(max(now - start, timedelta(0)), end - start)
        return WEEKDAY_WEIGHTS[5] * month * elapsed / (end - start)
    return 0.0


def _online_weight(world, day, now):
    base = 1.0 if world.calendar.is_working_day(day) else ONLINE_OFF_DAY_WEIGHT
    elapsed = min(max(now - local_at(day, time.min), timedelta(0)), timedelta(days=1))
    return base * MONTH_WEIGHTS[day.month - 1] * (elapsed / timedelta(days=1))


def _elapsed_share(working_time, cal):
    return min(max(working_time / cal.hours_per_day, 0.0), 1.0)


def local_at(day, clock):
    """The instant of `day` at `clock` in the desks' time zone."""
    return datetime.combine(day, clock, tzinfo=TZ)


@dataclass(frozen=True)
class QuickCalendar(workdays.WorkingCalendar):
    """The same calendar with its length of day computed once and its holidays cut to the
    years a dossier of the period can reach: core.workdays asks for both on every call,
    and the benchmark's generator makes millions of calls."""

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "_hours_per_day", super().hours_per_day)

    @property
    def hours_per_day(self):
        return self._hours_per_day

    @classmethod
    def around(cls, calendar, day, years=CALENDAR_REACH_YEARS):
        reach = timedelta(days=366 * years)
        first, last = day - reach, day + reach
        return cls(
            periods=calendar.periods,
            workweek=calendar.workweek,
            holidays={d for d in calendar.holidays if first <= d <= last},
            makeup_days={d for d in calendar.makeup_days if first <= d <= last},
            tz=calendar.tz,
        )
