"""The synthetic dossiers of the demo and the benchmarks: deterministic, valid codes, times
consistent with their statuses and the calendar, and the town's on-time rates."""

import re
from collections import Counter
from datetime import datetime, time
from decimal import Decimal
from functools import cache
from itertools import pairwise

import pytest

from core import workdays
from core.official_calendar import WORKDAY, official_days
from core.workdays import TZ, Verdict
from demo.generator.days import plan_days
from demo.generator.filings import DossierGenerator
from demo.generator.world import CHANNELS, Citizen, Desk, ProcedureRef, World
from dossiers.models import Status

MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
SATURDAY_10AM = datetime(2026, 11, 28, 10, 0, tzinfo=TZ)
SAMPLE = 2_000
TOWN, JUSTICE, CITIZEN = 1, 2, 500
WARDS = (11, 12, 13, 14)
CODE = re.compile(r"^(?P<unit>H26\.45(\.\d\d)?)-(?P<day>\d{6})-(?P<number>\d{4})$")
FINISHED = {Status.RESOLVED, Status.RETURNED}
RECEIVED = {
    Status.RECEIVED,
    Status.IN_PROGRESS,
    Status.SUPPLEMENT_REQUESTED,
    Status.AWAITING_PAYMENT,
    Status.WITHDRAWAL_REQUESTED,
    Status.STOPPED,
    *FINISHED,
}


@cache
def calendar():
    days = official_days(range(2025, 2028))
    return workdays.WorkingCalendar(
        holidays={day for day, kind, _name in days if kind != WORKDAY},
        makeup_days={day for day, kind, _name in days if kind == WORKDAY},
    )


def procedure(pk, amount, unit, online=False, cutoff=None, fee=False):
    terms = {channel: (Decimal(amount), unit, cutoff) for channel in CHANNELS}
    return ProcedureRef(pk, 1000 + pk, online, terms, weight=1 / pk, has_fee=fee)


PROCEDURES = (
    procedure(1, 3, "working_days", online=True),
    procedure(2, 0, "same_day", cutoff=time(15)),
    procedure(3, 15, "working_days", fee=True),
    procedure(4, 8, "working_hours", online=True),
    procedure(5, 20, "calendar_days", fee=True),
)


def world():
    town = Desk(
        unit_id=TOWN,
        code="H26.45",
        is_town=True,
        weight=0.35,
        procedures=PROCEDURES,
        handling_units={1: JUSTICE, 2: JUSTICE},
        officer_id=100,
        saturday_reception=True,
    )
    wards = tuple(
        Desk(
            unit_id=pk,
            code=f"H26.45.{i:02d}",
            is_town=False,
            weight=0.65 / 4,
            procedures=PROCEDURES,
        )
        for i, pk in enumerate(WARDS, start=1)
    )
    return World(
        calendar=calendar(),
        desks=(town, *wards),
        places=("Phường Lê Lợi", "Xã Đường Lâm"),
        specialists={JUSTICE: 200, 11: 201},
        citizen=Citizen(CITIZEN, "Nguyễn Văn An", "0912345678"),
        citizen_dossiers=20,
    )


def generate(now=MONDAY_9AM, seed=7, count=SAMPLE):
    generator = DossierGenerator(world(), now, seed=seed)
    return generator, list(generator.generate(count))


@pytest.fixture(scope="module")
def sample():
    return generate()


@pytest.fixture(scope="module")
def saturday_sample():
    return generate(now=SATURDAY_10AM)


def local(moment):
    return moment.astimezone(TZ)


def in_office_hours(cal, moment):
    at = local(moment)
    inside = any(start <= at.time() <= end for start, end in cal.periods)
    return cal.is_working_day(at.date()) and inside


class TestPlan:
    def test_every_dossier_is_planned_once_and_today_only_until_now(self):
        plan = plan_days(world(), MONDAY_9AM, 12_345)
        assert sum(day.counter + day.online for day in plan) == 12_345
        assert len(plan) == 365 and plan[-1].day == MONDAY_9AM.date()

    def test_counter_filings_only_on_working_days_and_saturday_mornings(self):
        cal = calendar()
        for day in plan_days(world(), MONDAY_9AM, 20_000):
            if not cal.is_working_day(day.day) and day.day.weekday() != 5:
                assert day.counter == 0, day
            assert day.online > 0, day


class TestDeterminism:
    def test_same_seed_same_dossiers(self, sample):
        _generator, again = generate()
        assert [d.fields for d in again] == [d.fields for d in sample[1]]
        assert [d.events for d in again] == [d.events for d in sample[1]]

    def test_another_seed_other_dossiers(self, sample):
        _generator, other = generate(seed=8, count=200)
        assert [d.fields for d in other] != [d.fields for d in sample[1][:200]]


class TestCodes:
    def test_codes_follow_the_pattern_and_are_unique(self, sample):
        _generator, dossiers = sample
        codes = [d.fields["code"] for d in dossiers]
        assert len(set(codes)) == len(codes) == SAMPLE
        for dossier in dossiers:
            match = CODE.match(dossier.fields["code"])
            assert match, dossier.fields["code"]
            assert match["day"] == f"{local(dossier.fields['submitted_at']):%y%m%d}"

    def test_numbers_run_from_one_in_filing_order_and_sequences_hold_the_last(self, sample):
        generator, dossiers = sample
        numbers = {}
        for dossier in dossiers:
            match = CODE.match(dossier.fields["code"])
            key = (
                dossier.fields["receiving_unit_id"],
                local(dossier.fields["submitted_at"]).date(),
            )
            numbers.setdefault(key, []).append(int(match["number"]))
        for key, issued in numbers.items():
            assert issued == list(range(1, len(issued) + 1))
            assert generator.sequences[key] == len(issued)
        assert len(numbers) == len(generator.sequences)


class TestTimes:
    def test_times_follow_the_lifecycle_and_none_is_after_now(self, sample):
        _generator, dossiers = sample
        for dossier in dossiers:
            f = dossier.fields
            assert f["submitted_at"] <= MONDAY_9AM
            if f["status"] in RECEIVED:
                assert f["submitted_at"] <= f["received_at"] <= MONDAY_9AM
                assert f["due_at"] is not None and f["allowance"] is not None
            else:
                assert f["received_at"] is None and f["due_at"] is None
            if f["status"] in FINISHED:
                assert f["received_at"] <= f["resolved_at"] <= MONDAY_9AM
            else:
                assert f["resolved_at"] is None and f["verdict"] == ""
            if f["status"] == Status.RETURNED:
                assert f["resolved_at"] <= f["returned_at"] == f["closed_at"]
            paused = f["status"] in {Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT}
            assert (f["paused_at"] is not None) == paused

    def test_events_tell_the_same_story(self, sample):
        _generator, dossiers = sample
        for dossier in dossiers:
            events = dossier.events
            assert [e["at"] for e in events] == sorted(e["at"] for e in events)
            assert events[-1]["to_status"] == dossier.fields["status"]
            assert events[-1]["to_unit_id"] == dossier.fields["handling_unit_id"]
            assert all(e["from_status"] == p["to_status"] for p, e in pairwise(events))
            actions = {e["action"] for e in events}
            if dossier.fields["status"] in FINISHED:
                assert {"transfer", "resolve"} <= actions
                assert actions & {"intake", "receive"}
            if dossier.fields["status"] == Status.RETURNED:
                assert "return" in actions

    def test_desk_and_handling_work_happens_in_office_hours(self, saturday_sample):
        generator, dossiers = saturday_sample
        cal = calendar()
        saturday_start, saturday_end = generator.world.saturday_hours
        for dossier in dossiers:
            f = dossier.fields
            for name in ("received_at", "resolved_at", "returned_at"):
                if f[name] is None:
                    continue
                moment = local(f[name])
                on_saturday = (
                    moment.weekday() == 5 and saturday_start <= moment.time() <= saturday_end
                )
                reception = name == "received_at" and f["channel"] != "online" and on_saturday
                assert in_office_hours(cal, moment) or reception, (f["code"], name, moment)

    def test_saturday_morning_reception_starts_the_clock_on_monday(self, saturday_sample):
        _generator, dossiers = saturday_sample
        saturday = [
            d for d in dossiers if local(d.fields["submitted_at"]).date() == SATURDAY_10AM.date()
        ]
        counter = [d for d in saturday if d.fields["channel"] != "online"]
        assert counter and all(d.fields["receiving_unit_id"] == TOWN for d in counter)
        for dossier in counter:
            assert dossier.fields["status"] == Status.RECEIVED  # transferred on Monday

    def test_due_times_come_from_the_calendar(self, sample):
        _generator, dossiers = sample
        for dossier in dossiers:
            f = dossier.fields
            if (
                f["received_at"] is None
                or dossier.supplements
                or "request-payment" in {e["action"] for e in dossier.events}
            ):
                continue
            expected = workdays.compute_due(
                calendar(),
                f["received_at"],
                f["limit_amount"],
                f["limit_unit"],
                f["limit_cutoff"],
            )
            assert f["due_at"] == expected

    def test_a_supplement_wait_moves_the_due_time_by_the_wait(self, sample):
        _generator, dossiers = sample
        checked = 0
        for dossier in dossiers:
            actions = [e["action"] for e in dossier.events]
            if actions.count("supplement") != 1 or "request-payment" in actions:
                continue
            request = dossier.supplements[0]
            at_receipt = next(e["due_at"] for e in dossier.events if e["due_at"])
            expected = workdays.resume_due(
                calendar(), at_receipt, request["requested_at"], request["fulfilled_at"]
            )
            assert dossier.fields["due_at"] == expected > at_receipt
            checked += 1
        assert checked


class TestVerdicts:
    def test_verdicts_match_the_calendar_except_the_two_supplements_rule(self, sample):
        _generator, dossiers = sample
        finished = [d.fields for d in dossiers if d.fields["status"] in FINISHED]
        for f in finished:
            if f["supplement_count"] > 1:
                assert f["verdict"] == Verdict.LATE
            else:
                expected = workdays.verdict(calendar(), f["resolved_at"], f["due_at"])
                assert f["verdict"] == expected

    def test_some_dossiers_are_late_by_two_supplement_requests(self, sample):
        _generator, dossiers = sample
        assert any(d.fields["supplement_count"] == 2 for d in dossiers)

    @pytest.mark.parametrize(("is_town", "target"), [(True, 98.2), (False, 99.8)])
    def test_on_time_rates_land_on_the_towns_figures(self, sample, is_town, target):
        _generator, dossiers = sample
        finished = [d for d in dossiers if d.is_town == is_town and d.fields["verdict"]]
        in_time = sum(d.fields["verdict"] != Verdict.LATE for d in finished)
        assert abs(100 * in_time / len(finished) - target) <= 0.5

    def test_most_late_dossiers_carry_an_apology_issued_before_the_due_time(self, sample):
        _generator, dossiers = sample
        late = [d for d in dossiers if d.fields["verdict"] == Verdict.LATE]
        apologised = [d for d in late if d.apology]
        assert len(apologised) > len(late) / 2
        for dossier in apologised:
            assert dossier.apology["issued_at"] < dossier.fields["due_at"]
            assert dossier.apology["new_appointment_at"] >= dossier.fields["resolved_at"]
            assert dossier.fields["appointment_at"] == dossier.apology["new_appointment_at"]


class TestMix:
    def test_channels_statuses_and_ratings_look_like_a_real_desk(self, sample):
        _generator, dossiers = sample
        statuses = Counter(d.fields["status"] for d in dossiers)
        channels = Counter(d.fields["channel"] for d in dossiers)
        assert 0.30 <= channels["online"] / SAMPLE <= 0.40
        assert statuses[Status.RETURNED] + statuses[Status.RESOLVED] > 0.9 * SAMPLE
        assert statuses[Status.IN_PROGRESS] > 0 and statuses[Status.SUBMITTED] > 0
        assert statuses[Status.REFUSED] > 0
        returned = [d for d in dossiers if d.fields["status"] == Status.RETURNED]
        rated = [d.rating["level"] for d in returned if d.rating]
        assert 0.4 <= len(rated) / len(returned) <= 0.6
        assert Counter(rated)["dissatisfied"] < 0.1 * len(rated)

    def test_town_dossiers_go_to_the_office_of_their_procedure_and_ward_ones_stay(self, sample):
        _generator, dossiers = sample
        for dossier in dossiers:
            f = dossier.fields
            if f["status"] not in FINISHED:
                continue
            if dossier.is_town:
                expected = JUSTICE if f["procedure_id"] in (1, 2) else TOWN
            else:
                expected = f["receiving_unit_id"]
            assert f["handling_unit_id"] == expected

    def test_the_demo_citizen_has_a_few_online_dossiers_in_their_name(self, sample):
        _generator, dossiers = sample
        mine = [d.fields for d in dossiers if d.fields["applicant_user_id"] == CITIZEN]
        assert 5 <= len(mine) <= 40
        assert all(f["applicant_phone"] == "0912345678" and f["channel"] == "online" for f in mine)
