"""One dossier's life, planned as a whole (filing, receipt, transfer, pauses, apology,
resolution, return, rating) with every time computed by `core.workdays`; `Life.finish`
then cuts it at `now`."""

from bisect import bisect_right
from datetime import timedelta
from itertools import accumulate

from core import workdays
from core.workdays import TZ
from dossiers.models import Satisfaction, Status
from dossiers.workflow import Action
from procedures.models import Channel

from .applicants import citizen_applicant, random_applicant
from .days import local_at
from .insides import current_step
from .life import APOLOGY_KEYS, RATING_KEYS, SUPPLEMENT_KEYS, Life
from .rates import (
    APOLOGY_RATE,
    COMMENT_RATE,
    DESK_CHECK_DELAY,
    EARLY_SHARE,
    LATE_BY_MAX_HOURS,
    LATE_BY_MEAN_HOURS,
    LATE_BY_MIN,
    MIN_WORKING_TIME_FOR_A_PAUSE,
    ONE_HOUR,
    PAYMENT_RATE,
    PAYMENT_WAIT_DAYS,
    RATING_RATE,
    REFUSAL_RATE,
    RETURN_AFTER_DAYS,
    SAME_DAY_RETURN_RATE,
    SATISFACTION_LEVELS,
    SATISFACTION_WEIGHTS,
    STOP_RATE,
    SUPPLEMENT_RATE,
    SUPPLEMENT_WAIT_DAYS,
    TRANSFER_DELAY_CAP,
    TRANSFER_SHARE,
    TWO_SUPPLEMENTS_SHARE,
    UNCOLLECTED_RATE,
    WITHDRAWAL_RATE,
)

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


class Weighted:
    """Weighted random choice with precomputed cumulative weights (fast for big pools)."""

    def __init__(self, items, weights):
        self.items = tuple(items)
        self.cumulative = tuple(accumulate(weights))

    def pick(self, rng):
        return self.items[bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


class LifeSimulation:
    """Plans the life of each dossier a desk receives; shares the generator's random
    stream, so a world, `now` and seed always give the same dossiers."""

    def __init__(self, world, now, cal, rng, insides):
        self.world, self.now, self.cal, self.rng = world, now, cal, rng
        self.insides = insides
        # Lateness is spread evenly per desk (an accumulator rather than a coin per dossier)
        # so that even a small sample lands on the desk's on-time rate.
        self._late_credit = {desk.unit_id: rng.random() for desk in world.desks}
        self._pools = {}
        for desk in world.desks:
            for online, procedures in ((False, desk.procedures), (True, desk.online_procedures)):
                self._pools[desk.unit_id, online] = Weighted(
                    procedures, [p.weight for p in procedures]
                )
        self.citizen_rate = 0.0  # the share of online filings that are the demo citizen's

    def dossier(self, desk, channel, submitted_at, code):
        rng = self.rng
        procedure = self._pools[desk.unit_id, channel == Channel.ONLINE].pick(rng)
        amount, limit_unit, cutoff = procedure.terms[channel]
        citizen = self.world.citizen if channel == Channel.ONLINE else None
        citizen = citizen if citizen and rng.random() < self.citizen_rate else None
        life = Life(
            {
                "code": code,
                "procedure_id": procedure.id,
                "procedure_version_id": procedure.version_id,
                "receiving_unit_id": desk.unit_id,
                "applicant_user_id": citizen.user_id if citizen else None,
                **(
                    citizen_applicant(citizen)
                    if citizen
                    else random_applicant(rng, self.world.places)
                ),
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
                return self._finish(life, desk, procedure, channel)
        else:
            life.step(Action.INTAKE, submitted_at, desk.officer_id, Status.RECEIVED, desk.unit_id)
            received_at = submitted_at
        self._handle(life, desk, procedure, received_at)
        return self._finish(life, desk, procedure, channel)

    def _finish(self, life, desk, procedure, channel):
        """Cut the life at `now`, with its components and the steps along its events."""
        steps = self.insides.steps(life, desk, procedure)
        dossier = life.finish(self.now, self.cal)
        dossier.components = self.insides.components(procedure, channel)
        if steps and dossier.fields["received_at"]:  # the steps are made at receipt
            dossier.steps = steps
            current = current_step(steps)
            started = [step["order"] for step in steps if step["started_at"]]
            dossier.fields.update(
                step_index=max(started, default=0),
                step_due_at=current["due_at"] if current else None,
            )
            if current and current["handler_id"]:
                dossier.fields["handler_id"] = current["handler_id"]
        return dossier

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
        cursor = self._later(received_at, due, TRANSFER_SHARE, TRANSFER_DELAY_CAP)
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
        due_day_opening = local_at(due.astimezone(TZ).date(), cal.periods[0][0])
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
        new_appointment = max(local_at(resolved_day, self.cal.closing_time), resolved_at)
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


def _row(keys, *values):
    return dict(zip(keys, values, strict=True))


def _between(rng, low, high):
    return low + (high - low) * rng.random()
