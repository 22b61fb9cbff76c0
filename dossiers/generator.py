"""Synthetic dossiers: a year of a town's one-stop desks, for the demo and the benchmarks.

The row logic is pure: it takes plain references (unit and procedure ids, time limits, the
working calendar) and returns plain dicts keyed by model attribute names, with every time
computed by `core.workdays`. So `dossiers.demo` can bulk_create the rows on any database and
`benchmarks/generate_data.py` can COPY them into PostgreSQL. `world_from_database` builds
the references from the units, users and catalogue.

Each dossier is planned as a whole life (filing, receipt, transfer, pauses, apology,
resolution, return, rating) and then cut at `now`: the status, times and counters are those
of the events that already happened, so recent dossiers are naturally still open.
Deterministic for a given world, `now` and seed.
"""

import random
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from django.conf import settings

from core import workdays
from core.demo import TOWN
from core.models import Unit, UnitKind, User
from core.roles import Role
from core.workdays import TZ, Verdict
from procedures.demo import best_office
from procedures.models import Channel, Level, Procedure, ProcedureVersion
from procedures.search import fold
from procedures.services import current_version

from .models import ApplicantKind, Satisfaction, Status, service_unit
from .workflow import Action

DAYS = 365

# Shares of the volume. The on-time targets are the source town's published rates.
TOWN_SHARE = 0.35
ONLINE_SHARE = 0.35
POST_SHARE = 0.01
ORGANISATION_SHARE = 0.07
TOWN_ON_TIME = 0.982
WARD_ON_TIME = 0.998
EARLY_SHARE = 0.6  # of the dossiers finished in time, when the due day allows it
REFUSAL_RATE = 0.03  # of online filings, at the desk's check
WITHDRAWAL_RATE = 0.004
STOP_RATE = 0.003
SUPPLEMENT_RATE = 0.04
TWO_SUPPLEMENTS_SHARE = 0.2  # of the late dossiers: late by the two-requests rule
PAYMENT_RATE = 0.3  # of the dossiers of procedures with a fee
APOLOGY_RATE = 0.9  # of the dossiers late by their times
UNCOLLECTED_RATE = 0.02
SAME_DAY_RETURN_RATE = 0.35
RATING_RATE = 0.5

# Day weights: Monday is busiest, Tết month is quiet and the months before it are busy.
WEEKDAY_WEIGHTS = (1.25, 1.05, 1.0, 1.0, 0.9, 0.3, 0.0)
MONTH_WEIGHTS = (1.15, 0.75, 1.05, 1.0, 1.0, 1.0, 0.95, 1.05, 1.0, 1.0, 1.05, 1.1)
ONLINE_OFF_DAY_WEIGHT = 0.4
# Online filings by hour of the day (0h..23h).
ONLINE_HOUR_WEIGHTS = (
    *(0.2, 0.1, 0.05, 0.05, 0.05, 0.2, 0.6, 1.2, 2.0, 2.4, 2.4, 2.0),  # midnight to noon
    *(1.4, 1.2, 1.8, 2.2, 2.2, 1.8, 1.0, 1.0, 1.4, 1.6, 1.2, 0.6),  # noon to midnight
)

ONE_HOUR = timedelta(hours=1)
# Holidays further than this from today cannot touch a dossier of the last year.
CALENDAR_REACH_YEARS = 3
MIN_WORKING_TIME_FOR_A_PAUSE = ONE_HOUR
DESK_CHECK_DELAY = (timedelta(minutes=10), timedelta(hours=6))
TRANSFER_DELAY_CAP = timedelta(hours=2)
SUPPLEMENT_WAIT_DAYS = (1, 10)
PAYMENT_WAIT_DAYS = (0, 3)
LATE_BY_MIN = timedelta(minutes=30)
LATE_BY_MEAN_HOURS = 6
LATE_BY_MAX_HOURS = 40
RETURN_AFTER_DAYS = (1, 1, 1, 2, 2, 3, 4, 5, 7, 10)
SATISFACTION_WEIGHTS = {False: (0.62, 0.36, 0.02), True: (0.3, 0.45, 0.25)}  # by lateness
SATISFACTION_LEVELS = (
    Satisfaction.VERY_SATISFIED,
    Satisfaction.SATISFIED,
    Satisfaction.DISSATISFIED,
)

FAMILY_NAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Phan", 4),
    ("Vũ", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 1),
    ("Kiều", 1),
    ("Khuất", 1),
)
MALE_MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Mạnh", "Tiến")
FEMALE_MIDDLE = ("Thị", "Thu", "Ngọc", "Thanh", "Thị Thu", "Minh", "Phương", "Hồng")
MALE_GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hùng",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Tuấn",
    "Việt",
    "Hải",
    "Hiếu",
    "Khánh",
    "Trung",
    "Đức",
    "Hoàng",
    "Kiên",
    "Lâm",
    "Tùng",
    "Vinh",
    "Thành",
)
FEMALE_GIVEN = (
    "Hà",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Ngọc",
    "Oanh",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
    "Hằng",
    "Huyền",
    "Loan",
    "Dung",
    "Giang",
    "Hạnh",
    "Nhung",
    "Thủy",
    "Vân",
    "Anh",
    "Chi",
)
COMPANY_KINDS = ("Công ty TNHH", "Công ty cổ phần", "Hộ kinh doanh", "Hợp tác xã")
COMPANY_NAMES = (
    "Minh Phát",
    "Hưng Thịnh",
    "An Khang",
    "Thành Công",
    "Đông Đô",
    "Sơn Tây Xanh",
    "Phúc Lộc",
    "Việt Tiến",
    "Hoàng Long",
    "Tân Phát",
)
MOBILE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "086", "088", "032", "035")

REFUSAL_REASONS = (
    "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan.",
    "Hồ sơ nộp trùng với hồ sơ đã được tiếp nhận trước đó.",
    "Người nộp không đủ điều kiện thực hiện thủ tục theo quy định.",
)
SUPPLEMENT_REASONS = (
    "Bổ sung bản sao chứng thực giấy tờ tùy thân của người yêu cầu.",
    "Tờ khai chưa ghi đầy đủ thông tin, đề nghị kê khai lại.",
    "Bổ sung giấy tờ chứng minh nơi cư trú.",
    "Bổ sung văn bản ủy quyền có chứng thực.",
    "Bản vẽ chưa đúng tỷ lệ, đề nghị bổ sung bản vẽ theo mẫu.",
)
SUPPLEMENT_ANSWERS = ("Đã bổ sung giấy tờ theo yêu cầu.", "Nộp bổ sung bản chính để đối chiếu.")
PAYMENT_NOTES = ("Đề nghị nộp lệ phí theo quy định.", "Đề nghị nộp phí thẩm định hồ sơ.")
APOLOGY_REASONS = (
    "Hồ sơ cần xác minh thêm với cơ quan liên quan.",
    "Cán bộ thụ lý phải chờ ý kiến phối hợp của cơ quan chuyên môn.",
    "Hệ thống cơ sở dữ liệu chuyên ngành gặp sự cố, chưa thể cập nhật kết quả.",
)
WITHDRAWAL_REASONS = ("Công dân xin rút hồ sơ để bổ sung sau.", "Không còn nhu cầu giải quyết.")
STOP_REASONS = ("Hồ sơ không đủ điều kiện giải quyết sau khi thẩm định.",)
RATING_COMMENTS = {
    Satisfaction.VERY_SATISFIED: ("Cán bộ hướng dẫn nhiệt tình, trả kết quả sớm.", "Rất nhanh."),
    Satisfaction.SATISFIED: ("Thủ tục rõ ràng.", "Thái độ phục vụ tốt."),
    Satisfaction.DISSATISFIED: ("Phải chờ lâu hơn hẹn.", "Cần hướng dẫn rõ hơn về giấy tờ."),
}
COMMENT_RATE = 0.3
DEFAULT_CITIZEN_PHONE = "0912345678"
DEFAULT_CITIZEN_ID = "001090001234"

# The keys of the side rows, in the order the generator fills them.
SUPPLEMENT_KEYS = (
    "requested_by_id",
    "requested_at",
    "reason",
    "during_handling",
    "fulfilled_at",
    "fulfilled_note",
)
APOLOGY_KEYS = (
    "issued_by_id",
    "issued_at",
    "reason",
    "previous_appointment_at",
    "new_appointment_at",
)
RATING_KEYS = ("level", "comment", "rated_at")


@dataclass(frozen=True)
class ProcedureRef:
    id: int
    version_id: int
    online: bool
    # channel -> (amount, limit unit, same-day cut-off), from Procedure.terms_for
    terms: dict
    weight: float = 1.0
    has_fee: bool = False


@dataclass(frozen=True)
class Desk:
    """A receiving unit (the town's one-stop desk or a ward) and where its dossiers go."""

    unit_id: int
    code: str
    is_town: bool
    weight: float
    procedures: tuple
    handling_units: dict = field(default_factory=dict)  # procedure id -> handling unit id
    officer_id: int | None = None
    saturday_reception: bool = False

    @property
    def late_rate(self):
        return 1 - (TOWN_ON_TIME if self.is_town else WARD_ON_TIME)

    @property
    def online_procedures(self):
        return tuple(p for p in self.procedures if p.online)


@dataclass(frozen=True)
class Citizen:
    user_id: int
    name: str
    phone: str
    id_number: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class World:
    calendar: workdays.WorkingCalendar
    desks: tuple
    places: tuple  # place names for the applicants' addresses
    specialists: dict = field(default_factory=dict)  # unit id -> user id
    citizen: Citizen | None = None
    citizen_dossiers: int = 40
    saturday_hours: tuple = (time(8), time(11, 30))


@dataclass(frozen=True)
class DayPlan:
    day: date
    counter: int
    online: int


@dataclass(slots=True)
class GeneratedDossier:
    """One dossier's rows, keyed by model attribute names; the consumer links them."""

    fields: dict
    events: list
    supplements: list
    apology: dict | None
    rating: dict | None
    is_town: bool


@dataclass
class Tally:
    """What was generated, for the progress report and the tests."""

    statuses: Counter = field(default_factory=Counter)
    channels: Counter = field(default_factory=Counter)
    finished: Counter = field(default_factory=Counter)  # by is_town
    in_time: Counter = field(default_factory=Counter)
    events: int = 0

    def add(self, dossier):
        fields = dossier.fields
        self.statuses[fields["status"]] += 1
        self.channels[fields["channel"]] += 1
        self.events += len(dossier.events)
        if fields["verdict"]:
            self.finished[dossier.is_town] += 1
            self.in_time[dossier.is_town] += fields["verdict"] != Verdict.LATE

    def on_time_rate(self, is_town):
        finished = self.finished[is_town]
        return 100 * self.in_time[is_town] / finished if finished else None

    @property
    def total(self):
        return sum(self.statuses.values())


class _Weighted:
    """Weighted random choice with precomputed cumulative weights (fast for big pools)."""

    def __init__(self, items, weights):
        self.items = tuple(items)
        self.cumulative = tuple(accumulate(weights))

    def pick(self, rng):
        return self.items[bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


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
        opening = _at(day, cal.periods[0][0])
        return weight * _elapsed_share(workdays.working_time_between(cal, opening, now), cal)
    if day.weekday() == 5 and any(desk.saturday_reception for desk in world.desks):
        start, end = world.saturday_hours
        elapsed = min(max(now - _at(day, start), timedelta(0)), _at(day, end) - _at(day, start))
        return WEEKDAY_WEIGHTS[5] * month * elapsed / (_at(day, end) - _at(day, start))
    return 0.0


def _online_weight(world, day, now):
    base = 1.0 if world.calendar.is_working_day(day) else ONLINE_OFF_DAY_WEIGHT
    elapsed = min(max(now - _at(day, time.min), timedelta(0)), timedelta(days=1))
    return base * MONTH_WEIGHTS[day.month - 1] * (elapsed / timedelta(days=1))


def _elapsed_share(working_time, cal):
    return min(max(working_time / cal.hours_per_day, 0.0), 1.0)


def _at(day, clock):
    return datetime.combine(day, clock, tzinfo=TZ)


@dataclass(frozen=True)
class _QuickCalendar(workdays.WorkingCalendar):
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


class DossierGenerator:
    """Plans dossiers day by day. `generate(count)` covers the whole year; the benchmark
    gives each worker its own slice of `plan_days` through `generate_days`."""

    def __init__(self, world, now, seed):
        self.world, self.now = world, now
        self.cal = _QuickCalendar.around(world.calendar, now.astimezone(TZ).date())
        self.rng = random.Random(seed)
        # Lateness is spread evenly per desk (an accumulator rather than a coin per dossier)
        # so that even a small sample lands on the desk's on-time rate.
        self._late_credit = {desk.unit_id: self.rng.random() for desk in world.desks}
        self._desks = {
            "counter": _Weighted(world.desks, [d.weight for d in world.desks]),
            "saturday": _Weighted(*_weighted(world.desks, lambda d: d.saturday_reception)),
            "online": _Weighted(*_weighted(world.desks, lambda d: d.online_procedures)),
        }
        self._pools = {}
        for desk in world.desks:
            for online, procedures in ((False, desk.procedures), (True, desk.online_procedures)):
                self._pools[desk.unit_id, online] = _Weighted(
                    procedures, [p.weight for p in procedures]
                )
        self.sequences = {}  # (unit id, day) -> the last number issued
        self.tally = Tally()
        self._citizen_rate = 0.0

    def generate(self, count, days=DAYS):
        plan = plan_days(self.world, self.now, count, days)
        return self.generate_days(plan, online_total=sum(p.online for p in plan))

    def generate_days(self, plan, online_total):
        if self.world.citizen and online_total:
            self._citizen_rate = self.world.citizen_dossiers / online_total
        for day_plan in plan:
            yield from self._day(day_plan)

    def _day(self, plan):
        slots = [self._counter_slot(plan.day) for _ in range(plan.counter)]
        slots += [self._online_slot(plan.day) for _ in range(plan.online)]
        slots.sort(key=lambda slot: slot[0])
        for at, channel, desk in slots:
            key = (desk.unit_id, plan.day)
            self.sequences[key] = number = self.sequences.get(key, 0) + 1
            code = f"{desk.code}-{plan.day:%y%m%d}-{number:04d}"
            dossier = self._dossier(desk, channel, at, code)
            self.tally.add(dossier)
            yield dossier

    # --- when and where each filing arrives ----------------------------------------------

    def _counter_slot(self, day):
        channel = Channel.POST if self.rng.random() < POST_SHARE else Channel.COUNTER
        if self.cal.is_working_day(day):
            return self._working_instant(day), channel, self._desks["counter"].pick(self.rng)
        return self._saturday_instant(day), channel, self._desks["saturday"].pick(self.rng)

    def _online_slot(self, day):
        return self._online_instant(day), Channel.ONLINE, self._desks["online"].pick(self.rng)

    def _working_instant(self, day):
        opening = _at(day, self.cal.periods[0][0])
        span = self.cal.hours_per_day
        if day == self._today:
            span = min(span, workdays.working_time_between(self.cal, opening, self.now))
        return workdays.add_working_time(self.cal, opening, span * self.rng.random())

    def _saturday_instant(self, day):
        start, end = (_at(day, clock) for clock in self.world.saturday_hours)
        return start + (min(end, max(self.now, start)) - start) * self.rng.random()

    def _online_instant(self, day):
        hour = self.rng.choices(range(24), ONLINE_HOUR_WEIGHTS)[0]
        at = _at(day, time(hour)) + timedelta(seconds=self.rng.randrange(3600))
        if at > self.now:  # today's filings all happened before now
            midnight = _at(day, time.min)
            at = midnight + (self.now - midnight) * self.rng.random()
        return at

    @property
    def _today(self):
        return self.now.astimezone(TZ).date()

    # --- one dossier's life ------------------------------------------------------------

    def _dossier(self, desk, channel, submitted_at, code):
        rng = self.rng
        procedure = self._pools[desk.unit_id, channel == Channel.ONLINE].pick(rng)
        amount, limit_unit, cutoff = procedure.terms[channel]
        citizen = self.world.citizen if channel == Channel.ONLINE else None
        citizen = citizen if citizen and rng.random() < self._citizen_rate else None
        life = _Life(
            {
                "code": code,
                "procedure_id": procedure.id,
                "procedure_version_id": procedure.version_id,
                "receiving_unit_id": desk.unit_id,
                "applicant_user_id": citizen.user_id if citizen else None,
                **(_citizen_applicant(citizen) if citizen else self._applicant()),
                "summary": "",
                "channel": channel,
                "limit_amount": amount,
                "limit_unit": limit_unit,
                "limit_cutoff": cutoff,
                "submitted_at": submitted_at,
                "step_due_at": None,
                "created_at": submitted_at,
            },
            desk.is_town,
        )
        if channel == Channel.ONLINE:
            received_at = self._check_online_filing(life, desk, submitted_at)
            if received_at is None:
                return life.finish(self.now, self.cal)
        else:
            life.step(Action.INTAKE, submitted_at, desk.officer_id, Status.RECEIVED, desk.unit_id)
            received_at = submitted_at
        self._handle(life, desk, procedure, received_at)
        return life.finish(self.now, self.cal)

    def _check_online_filing(self, life, desk, submitted_at):
        """The desk checks an online filing: refused (None) or received (its time)."""
        applicant = life.fields["applicant_user_id"]
        life.step(Action.FILE_ONLINE, submitted_at, applicant, Status.SUBMITTED, desk.unit_id)
        checked_at = workdays.add_working_time(
            self.cal, submitted_at, _between(self.rng, *DESK_CHECK_DELAY)
        )
        if self.rng.random() < REFUSAL_RATE:
            note = self.rng.choice(REFUSAL_REASONS)
            life.step(Action.REFUSE, checked_at, desk.officer_id, Status.REFUSED, note=note)
            return None
        life.step(Action.RECEIVE, checked_at, desk.officer_id, Status.RECEIVED)
        return checked_at

    def _handle(self, life, desk, procedure, received_at):
        cal, rng = self.cal, self.rng
        fields = life.fields
        due = workdays.compute_due(
            cal, received_at, fields["limit_amount"], fields["limit_unit"], fields["limit_cutoff"]
        )
        life.events[-1]["due_at"] = life.due = due
        life.allowance = workdays.working_time_between(
            cal, workdays.next_working_instant(cal, received_at), due
        )
        unit = desk.handling_units.get(procedure.id, desk.unit_id)
        life.handler_id = specialist = self.world.specialists.get(unit)
        cursor = self._later(received_at, due, (0.0, 0.1), TRANSFER_DELAY_CAP)
        life.step(Action.TRANSFER, cursor, desk.officer_id, Status.IN_PROGRESS, unit)
        ending = rng.random()
        if ending < WITHDRAWAL_RATE + STOP_RATE:
            self._stop(life, desk, cursor, due, withdrawn=ending < WITHDRAWAL_RATE)
            return
        late = self._late(desk)
        requests = 2 if late and rng.random() < TWO_SUPPLEMENTS_SHARE else 0
        requests = requests or int(rng.random() < SUPPLEMENT_RATE)
        made = 0
        for _ in range(requests):
            cursor, due, paused = self._pause(life, cursor, due, specialist, supplement=True)
            made += paused
        if procedure.has_fee and rng.random() < PAYMENT_RATE:
            cursor, due, _paused = self._pause(life, cursor, due, specialist, supplement=False)
        late_by_time = late and made < 2
        resolved_at = self._resolution_time(cursor, due, late_by_time)
        if late_by_time and rng.random() < APOLOGY_RATE:
            self._apologize(life, cursor, due, resolved_at, specialist)
        life.step(Action.RESOLVE, resolved_at, specialist, Status.RESOLVED)
        self._hand_back(life, desk, resolved_at, late_by_time)

    def _late(self, desk):
        credit = self._late_credit[desk.unit_id] + desk.late_rate
        late = credit >= 1
        self._late_credit[desk.unit_id] = credit - late
        return late

    def _later(self, at, until, share, cap):
        """A working instant after `at`: a random share of the working time left before
        `until`, at most `cap`."""
        left = max(workdays.working_time_between(self.cal, at, until), timedelta(0))
        return workdays.add_working_time(self.cal, at, min(left * self.rng.uniform(*share), cap))

    def _pause(self, life, cursor, due, specialist, supplement):
        """A supplement or payment wait: the clock stops, and on resumption the due time
        moves by the wait (core.workdays.resume_due). Skipped when too little time is left
        for a request to make sense."""
        left = workdays.working_time_between(self.cal, cursor, due)
        if left < MIN_WORKING_TIME_FOR_A_PAUSE:
            return cursor, due, False
        rng = self.rng
        paused_at = self._later(cursor, due, (0.05, 0.5), left)
        wait = SUPPLEMENT_WAIT_DAYS if supplement else PAYMENT_WAIT_DAYS
        resumed_at = workdays.add_working_time(
            self.cal,
            paused_at + timedelta(days=rng.randint(*wait)),
            _between(rng, timedelta(0), self.cal.hours_per_day),
        )
        new_due = workdays.resume_due(self.cal, due, paused_at, resumed_at)
        applicant = life.fields["applicant_user_id"]
        if supplement:
            reason, answer = rng.choice(SUPPLEMENT_REASONS), rng.choice(SUPPLEMENT_ANSWERS)
            life.step(
                Action.REQUEST_SUPPLEMENT,
                paused_at,
                specialist,
                Status.SUPPLEMENT_REQUESTED,
                note=reason,
            )
            life.step(Action.SUPPLEMENT, resumed_at, applicant, Status.IN_PROGRESS, note=answer)
            life.due = new_due
            life.events[-1]["due_at"] = new_due
            life.supplements.append(
                _row(SUPPLEMENT_KEYS, specialist, paused_at, reason, True, resumed_at, answer)
            )
        else:
            note = rng.choice(PAYMENT_NOTES)
            life.step(
                Action.REQUEST_PAYMENT, paused_at, specialist, Status.AWAITING_PAYMENT, note=note
            )
            life.step(Action.CONFIRM_PAYMENT, resumed_at, specialist, Status.IN_PROGRESS)
            life.due = new_due
            life.events[-1]["due_at"] = new_due
        return resumed_at, new_due, True

    def _stop(self, life, desk, cursor, due, withdrawn):
        rng = self.rng
        at = self._later(cursor, due, (0.1, 0.8), 5 * self.cal.hours_per_day)
        if withdrawn:
            note = rng.choice(WITHDRAWAL_REASONS)
            applicant = life.fields["applicant_user_id"]
            life.step(
                Action.REQUEST_WITHDRAWAL, at, applicant, Status.WITHDRAWAL_REQUESTED, note=note
            )
            at = workdays.add_working_time(self.cal, at, _between(rng, ONE_HOUR, 2 * 8 * ONE_HOUR))
            life.step(Action.STOP, at, desk.officer_id, Status.STOPPED, note=note)
        else:
            note = rng.choice(STOP_REASONS)
            life.step(Action.STOP, at, life.handler_id, Status.STOPPED, note=note)

    def _resolution_time(self, after, due, late):
        """When the result is ready: after `due` when late; otherwise before the due day
        (early) or on it by the due time (on time)."""
        cal, rng = self.cal, self.rng
        if late:
            hours = min(rng.expovariate(1 / LATE_BY_MEAN_HOURS), LATE_BY_MAX_HOURS)
            return workdays.add_working_time(cal, due, LATE_BY_MIN + timedelta(hours=hours))
        due_day_opening = _at(due.astimezone(TZ).date(), cal.periods[0][0])
        if rng.random() < EARLY_SHARE:
            window = workdays.working_time_between(cal, after, due_day_opening)
            if window > timedelta(0):
                return workdays.add_working_time(cal, after, window * rng.random())
        start = max(after, due_day_opening)
        window = max(workdays.working_time_between(cal, start, due), timedelta(0))
        return workdays.add_working_time(cal, start, window * rng.random())

    def _apologize(self, life, cursor, due, resolved_at, specialist):
        """Before the due time, the handling side apologises with a new appointment by the
        day the result will be ready."""
        if workdays.working_time_between(self.cal, cursor, due) <= timedelta(0):
            return
        issued_at = self._later(cursor, due, (0.6, 0.95), self.cal.hours_per_day * 30)
        resolved_day = resolved_at.astimezone(TZ).date()
        new_appointment = max(_at(resolved_day, self.cal.closing_time), resolved_at)
        reason = self.rng.choice(APOLOGY_REASONS)
        life.step(Action.APOLOGIZE, issued_at, specialist, note=reason)
        life.apology = _row(APOLOGY_KEYS, specialist, issued_at, reason, due, new_appointment)

    def _hand_back(self, life, desk, resolved_at, late):
        rng = self.rng
        if rng.random() < UNCOLLECTED_RATE:
            return
        if rng.random() < SAME_DAY_RETURN_RATE:
            wait = _between(rng, timedelta(minutes=5), 2 * ONE_HOUR)
        else:
            days = rng.choice(RETURN_AFTER_DAYS)
            wait = days * self.cal.hours_per_day + _between(rng, timedelta(0), 8 * ONE_HOUR)
        returned_at = workdays.add_working_time(self.cal, resolved_at, wait)
        life.step(Action.RETURN, returned_at, desk.officer_id, Status.RETURNED)
        if rng.random() < RATING_RATE:
            self._rate(life, returned_at, late)

    def _rate(self, life, returned_at, late):
        rng = self.rng
        level = rng.choices(SATISFACTION_LEVELS, SATISFACTION_WEIGHTS[late])[0]
        comment = rng.choice(RATING_COMMENTS[level]) if rng.random() < COMMENT_RATE else ""
        rated_at = returned_at + timedelta(minutes=rng.uniform(1, 600))
        life.step(Action.RATE, rated_at, life.fields["applicant_user_id"], note=comment)
        life.rating = _row(RATING_KEYS, level, comment, rated_at)

    # --- applicants --------------------------------------------------------------------

    def _applicant(self):
        rng = self.rng
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
        address = (
            f"Số {rng.randint(1, 250)}, tổ {rng.randint(1, 30)}, {rng.choice(self.world.places)}"
        )
        person = _person_name(rng)
        if rng.random() < ORGANISATION_SHARE:
            kind = rng.choice(COMPANY_KINDS)
            name = f"{kind} {person if kind == 'Hộ kinh doanh' else rng.choice(COMPANY_NAMES)}"
            return _applicant_fields(
                ApplicantKind.ORGANISATION, name, f"01{rng.randrange(10**8):08d}", phone, address
            )
        born = rng.randint(1950, 2006)
        century_sex = (0 if born < 2000 else 2) + rng.randint(0, 1)
        id_number = f"001{century_sex}{born % 100:02d}{rng.randrange(10**6):06d}"
        return _applicant_fields(ApplicantKind.PERSON, person, id_number, phone, address)


def _applicant_fields(kind, name, id_number, phone, address, email=""):
    return {
        "applicant_kind": kind,
        "applicant_name": name,
        "applicant_id_number": id_number,
        "applicant_phone": phone,
        "applicant_email": email,
        "applicant_address": address,
    }


def _citizen_applicant(citizen):
    return _applicant_fields(
        ApplicantKind.PERSON,
        citizen.name,
        citizen.id_number,
        citizen.phone,
        citizen.address,
        citizen.email,
    )


def _person_name(rng):
    family = rng.choices(*zip(*FAMILY_NAMES, strict=True))[0]
    if rng.random() < 0.5:
        return f"{family} {rng.choice(MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}"
    return f"{family} {rng.choice(FEMALE_MIDDLE)} {rng.choice(FEMALE_GIVEN)}"


def _row(keys, *values):
    return dict(zip(keys, values, strict=True))


def _between(rng, low, high):
    return low + (high - low) * rng.random()


def _weighted(desks, keep):
    chosen = [desk for desk in desks if keep(desk)]
    return chosen, [desk.weight for desk in chosen]


class _Life:
    """The planned events of one dossier; `finish` cuts them at `now` and derives the
    dossier's fields from what already happened."""

    def __init__(self, fields, is_town):
        self.fields, self.is_town = fields, is_town
        self.events, self.supplements = [], []
        self.apology = self.rating = None
        self.status, self.unit, self.due = "", None, None
        self.allowance = self.handler_id = None

    def step(self, action, at, actor, to_status=None, to_unit=None, note=""):
        from_status, from_unit = self.status, self.unit
        self.status = to_status or self.status
        self.unit = to_unit or self.unit
        self.events.append(
            {
                "action": action.value,
                "actor_id": actor,
                "at": at,
                "from_status": from_status,
                "to_status": self.status,
                "from_unit_id": from_unit,
                "to_unit_id": self.unit,
                "note": note,
                "due_at": self.due,
                "step_name": "",
                "step_due_at": None,
            }
        )

    def finish(self, now, cal):
        events = [event for event in self.events if event["at"] <= now]
        last = events[-1]
        at = {event["action"]: event["at"] for event in events}
        status = last["to_status"]
        supplements = [s for s in self.supplements if s["requested_at"] <= now]
        for request in supplements:
            if request["fulfilled_at"] > now:
                request.update(fulfilled_at=None, fulfilled_note="")
        apology = self.apology if self.apology and self.apology["issued_at"] <= now else None
        rating = self.rating if self.rating and self.rating["rated_at"] <= now else None
        received_at = at.get(Action.RECEIVE) or at.get(Action.INTAKE)
        resolved_at = at.get(Action.RESOLVE)
        due_at = last["due_at"]
        transferred = Action.TRANSFER in at
        self.fields.update(
            handling_unit_id=last["to_unit_id"],
            handler_id=self.handler_id if transferred else None,
            status=status,
            received_at=received_at,
            due_at=due_at,
            appointment_at=apology["new_appointment_at"] if apology else due_at,
            paused_at=last["at"] if status in PAUSED_STATUSES else None,
            resolved_at=resolved_at,
            returned_at=at.get(Action.RETURN),
            closed_at=at.get(Action.RETURN) or at.get(Action.REFUSE) or at.get(Action.STOP),
            verdict=_verdict(cal, resolved_at, due_at, len(supplements)) if resolved_at else "",
            supplement_count=len(supplements),
            apology_count=1 if apology else 0,
            allowance=self.allowance if received_at else None,
            step_index=1 if transferred else 0,
            updated_at=last["at"],
        )
        return GeneratedDossier(self.fields, events, supplements, apology, rating, self.is_town)


PAUSED_STATUSES = frozenset({Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT})


def _verdict(cal, resolved_at, due_at, supplement_count):
    """The rule of services.judge: more than one supplement request makes it late."""
    if supplement_count > 1:
        return Verdict.LATE.value
    return workdays.verdict(cal, resolved_at, due_at).value


# --- the world of the demo town, read from the database ---------------------------------

# Popular procedures get more dossiers (certified copies and civil status above all).
POPULAR_KEYWORDS = (
    ("chung thuc", 8.0),
    ("khai sinh", 4.0),
    ("ket hon", 3.0),
    ("tinh trang hon nhan", 3.0),
    ("khai tu", 2.0),
    ("ho kinh doanh", 2.0),
    ("giay phep xay dung", 2.0),
)
CHANNELS = tuple(Channel)
SAMPLE_START = datetime(2026, 1, 5, 9, tzinfo=TZ)


def world_from_database(calendar, seed=0, town_code=TOWN[0], citizen_username="congdan"):
    """The demo town (core.demo) with its wards and communes and the published catalogue,
    or None when the town or the catalogue is missing."""
    town = Unit.objects.filter(code=town_code).first()
    procedures = list(
        Procedure.objects.published()
        .select_related("field")
        .prefetch_related("handling_units")
        .order_by("code")
    )
    if town is None or not procedures:
        return None
    children = list(Unit.objects.filter(parent=town).order_by("code"))
    wards = [unit for unit in children if unit.kind in (UnitKind.WARD, UnitKind.COMMUNE)]
    departments = [unit for unit in children if unit.kind == UnitKind.DEPARTMENT]
    rng = random.Random(seed)
    refs = _procedure_refs(procedures, calendar, rng)
    usable = [procedure for procedure in procedures if procedure.pk in refs]
    # The town's desk receives every field's procedures; wards only the commune-level ones.
    ward_refs = [refs[p.pk] for p in usable if p.level == Level.COMMUNE]
    officers, specialists = _staff()
    town_desk = Desk(
        unit_id=town.pk,
        code=town.code,
        is_town=True,
        weight=TOWN_SHARE if wards else 1.0,
        procedures=tuple(refs.values()),
        handling_units=_town_handling_units(usable, town, departments),
        officer_id=officers.get(town.pk),
        saturday_reception=True,
    )
    ward_weights = [rng.uniform(0.6, 1.4) for _ in wards]
    ward_desks = [
        Desk(
            unit_id=ward.pk,
            code=ward.code,
            is_town=False,
            weight=(1 - TOWN_SHARE) * weight / sum(ward_weights),
            procedures=tuple(ward_refs or refs.values()),
            officer_id=officers.get(ward.pk),
        )
        for ward, weight in zip(wards, ward_weights, strict=True)
    ]
    return World(
        calendar=calendar,
        desks=(town_desk, *ward_desks),
        places=tuple(ward.name for ward in wards) or (town.name,),
        specialists=specialists,
        citizen=_citizen(citizen_username, wards),
        saturday_hours=workdays.parse_periods(settings.ONESTOP_SATURDAY_RECEPTION)[0],
    )


def _procedure_refs(procedures, calendar, rng):
    """{procedure id: ProcedureRef} of the procedures whose terms give a due time."""
    versions = _versions(procedures)
    order = list(procedures)
    rng.shuffle(order)  # the popularity rank: a seeded shuffle, boosted by the keywords
    refs = {}
    for rank, procedure in enumerate(order):
        terms = {channel: procedure.terms_for(channel) for channel in CHANNELS}
        if not all(_gives_a_due_time(calendar, *term) for term in terms.values()):
            continue
        name = fold(procedure.name)
        boost = max([b for word, b in POPULAR_KEYWORDS if word in name], default=1.0)
        refs[procedure.pk] = ProcedureRef(
            id=procedure.pk,
            version_id=versions[procedure.pk],
            online=procedure.is_online,
            terms=terms,
            weight=boost / (rank + 3),
            has_fee=procedure.fee_amount > 0,
        )
    return refs


def _gives_a_due_time(calendar, amount, unit, cutoff):
    try:
        workdays.compute_due(calendar, SAMPLE_START, amount, unit, cutoff)
    except ValueError:
        return False
    return True


def _versions(procedures):
    """The current version of each procedure (the catalogue creates it when missing)."""
    latest = dict(
        ProcedureVersion.objects.filter(procedure__in=procedures)
        .order_by("procedure_id", "number")
        .values_list("procedure_id", "pk")
    )
    for procedure in procedures:
        if procedure.pk not in latest:
            latest[procedure.pk] = current_version(procedure).pk
    return latest


def _town_handling_units(procedures, town, departments):
    """{procedure id: unit id} for the town desk's dossiers: the town office the catalogue
    links, else the office of the procedure's field, else the town itself."""
    department_ids = {unit.pk for unit in departments}
    units = {}
    for procedure in procedures:
        linked = [u.pk for u in procedure.handling_units.all() if u.pk in department_ids]
        office = best_office(procedure.field.name, departments)
        units[procedure.pk] = linked[0] if linked else office.pk if office else town.pk
    return units


def _staff():
    """({service unit id: desk officer id}, {unit id: specialist id}), first user wins."""
    officers, specialists = {}, {}
    staff = User.objects.filter(is_active=True, unit__isnull=False).select_related("unit__parent")
    for user in staff.prefetch_related("groups").order_by("pk"):
        roles = {group.name for group in user.groups.all()}
        if Role.DESK_OFFICER in roles:
            officers.setdefault(service_unit(user.unit).pk, user.pk)
        if Role.SPECIALIST in roles:
            specialists.setdefault(user.unit_id, user.pk)
    return officers, specialists


def _citizen(username, wards):
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        return None
    return Citizen(
        user_id=user.pk,
        name=f"{user.last_name} {user.first_name}".strip() or user.username,
        phone=user.phone or DEFAULT_CITIZEN_PHONE,
        id_number=user.id_number or DEFAULT_CITIZEN_ID,
        email=user.email,
        address=user.address or (f"Số 12, tổ 3, {wards[0].name}" if wards else ""),
    )
