"""The roll-up and the on-time report equal a direct count, whatever the data."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.workdays import TZ
from dossiers.models import DailyStat, Dossier, MonthlyStat, Rating, RollupState
from dossiers.reporting.on_time import on_time_report
from dossiers.reporting.rollup import nightly_roll_up, roll_up, rolled_through
from procedures.models import ProcedureVersion
from tests.factories import UnitFactory
from tests.procedures.factories import ProcedureFactory

FIRST_DAY = date(2026, 9, 1)
TODAY = date(2026, 12, 15)


@pytest.fixture
def catalogue(db):
    units = [UnitFactory(code=f"U{n}") for n in range(3)]
    procedures = [ProcedureFactory(code=f"9.00000{n}") for n in range(3)]
    versions = {
        p.pk: ProcedureVersion.objects.create(procedure=p, number=1, snapshot={})
        for p in procedures
    }
    return units, procedures, versions


def instant(day_offset, minute):
    day = FIRST_DAY + timedelta(days=day_offset)
    return datetime.combine(day, time(8), tzinfo=TZ) + timedelta(minutes=minute)


dossier_specs = st.lists(
    st.fixed_dictionaries(
        {
            "unit": st.integers(0, 2),
            "procedure": st.integers(0, 2),
            "received": st.integers(0, 90),
            "minute": st.integers(0, 600),
            "limit": st.integers(0, 6),
            "handled": st.one_of(st.none(), st.integers(0, 8)),
            "outcome": st.sampled_from(["resolved", "stopped"]),
            "online": st.booleans(),
            "apology": st.booleans(),
            "rating": st.sampled_from([None, "very_satisfied", "satisfied", "dissatisfied"]),
        }
    ),
    max_size=25,
)


def build(specs, units, procedures, versions):
    Dossier.objects.all().delete()
    DailyStat.objects.all().delete()
    MonthlyStat.objects.all().delete()
    for n, spec in enumerate(specs):
        received = instant(spec["received"], spec["minute"])
        due = received + timedelta(days=spec["limit"])
        left = None if spec["handled"] is None else received + timedelta(days=spec["handled"])
        if left and left.date() > TODAY:
            left = None
        resolved = left if spec["outcome"] == "resolved" else None
        verdict = ""
        if resolved:
            verdict = (
                "early"
                if resolved.date() < due.date()
                else ("on_time" if resolved <= due else "late")
            )
        procedure = procedures[spec["procedure"]]
        dossier = Dossier.objects.create(
            code=f"X-{n}",
            procedure=procedure,
            procedure_version=versions[procedure.pk],
            receiving_unit=units[spec["unit"]],
            handling_unit=units[spec["unit"]],
            applicant_name="A",
            applicant_phone="0912345678",
            channel="online" if spec["online"] else "counter",
            status="returned" if resolved else ("stopped" if left else "in_progress"),
            limit_amount=spec["limit"],
            limit_unit="calendar_days",
            received_at=received,
            due_at=due,
            resolved_at=resolved,
            closed_at=left if not resolved else None,
            verdict=verdict,
            apology_count=int(spec["apology"]),
        )
        if resolved and spec["rating"] and resolved.date() < TODAY:
            Rating.objects.create(
                dossier=dossier, level=spec["rating"], rated_at=resolved + timedelta(hours=1)
            )


def direct_count(first, last, key=lambda dossier: dossier.receiving_unit.code):
    """An independent oracle: counted in Python from the rows themselves, per ``key``."""
    start = datetime.combine(first, time.min, tzinfo=TZ)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=TZ)
    rows = {}
    for d in Dossier.objects.select_related("receiving_unit", "procedure__field"):
        row = rows.setdefault(
            key(d),
            dict.fromkeys(
                [
                    "received",
                    "finished",
                    "early",
                    "on_time",
                    "late",
                    "in_progress",
                    "overdue",
                    "rated",
                    "late_with_apology",
                ],
                0,
            ),
        )
        left = d.resolved_at or d.closed_at
        row["received"] += start <= d.received_at < end
        if d.resolved_at and start <= d.resolved_at < end:
            row["finished"] += 1
            row[d.verdict] += 1
            row["late_with_apology"] += d.verdict == "late" and d.apology_count > 0
        still_open = d.received_at < end and (left is None or left >= end)
        row["in_progress"] += still_open
        row["overdue"] += still_open and d.due_at < end
        rating = Rating.objects.filter(dossier=d).first()
        row["rated"] += bool(rating and start <= rating.rated_at < end)
    return {code: row for code, row in rows.items() if any(row.values())}


def as_table(report_rows):
    keys = [
        "received",
        "finished",
        "early",
        "on_time",
        "late",
        "in_progress",
        "overdue",
        "rated",
        "late_with_apology",
    ]
    return {
        row.code: {k: getattr(row, k) for k in keys}
        for row in report_rows
        if any(getattr(row, k) for k in keys)
    }


FLOWS = ["received", "finished", "early", "on_time", "late", "rated", "late_with_apology"]


def totals(table):
    return {name: sum(row[name] for row in table.values()) for name in FLOWS}


def monthly_sums_of(model, date_column):
    sums = {}
    for row in model.objects.values("unit_id", "field_id", date_column, *FLOWS):
        month = row[date_column].replace(day=1)
        bucket = sums.setdefault((row["unit_id"], row["field_id"], month), dict.fromkeys(FLOWS, 0))
        for name in FLOWS:
            bucket[name] += row[name]
    return sums


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=dossier_specs,
    period=st.tuples(st.integers(0, 100), st.integers(0, 75)),
    rolled=st.tuples(st.integers(-1, 105), st.integers(0, 40)),
    group_by=st.sampled_from(["unit", "field", "month"]),
)
def test_report_equals_direct_count_with_any_rollup_progress(
    catalogue, specs, period, rolled, group_by
):
    """Across months, so that whole months come from MonthlyStat and the days around them
    from DailyStat, after a contiguous roll-up and a re-roll of days inside it."""
    build(specs, *catalogue)
    RollupState.objects.all().delete()
    rolled_days, re_rolled = rolled
    if rolled_days >= 0:
        roll_up(FIRST_DAY, FIRST_DAY + timedelta(days=rolled_days))
        re_roll_first = FIRST_DAY + timedelta(days=max(rolled_days - re_rolled, 0))
        roll_up(re_roll_first, FIRST_DAY + timedelta(days=rolled_days))
    assert monthly_sums_of(MonthlyStat, "month") == monthly_sums_of(DailyStat, "day")
    first = FIRST_DAY + timedelta(days=period[0])
    last = first + timedelta(days=period[1])
    report = on_time_report(first, last, group_by=group_by, today=last + timedelta(days=1))
    if group_by == "unit":
        assert as_table(report) == direct_count(first, last)
    elif group_by == "field":
        expected = direct_count(first, last, key=lambda dossier: dossier.procedure.field.code)
        assert as_table(report) == expected
    else:
        expected = direct_count(first, last)
        assert totals(as_table(report)) == totals(expected)
        assert (report[-1].in_progress, report[-1].overdue) == (
            sum(row["in_progress"] for row in expected.values()),
            sum(row["overdue"] for row in expected.values()),
        )


def test_month_rows_carry_the_balance(catalogue):
    build(
        [
            {
                "unit": 0,
                "procedure": 0,
                "received": 5,
                "minute": 0,
                "limit": 3,
                "handled": None,
                "outcome": "resolved",
                "online": True,
                "apology": False,
                "rating": None,
            }
        ],
        *catalogue,
    )
    rows = on_time_report(date(2026, 9, 1), date(2026, 10, 31), group_by="month", today=TODAY)
    assert [(r.code, r.received, r.in_progress, r.overdue) for r in rows] == [
        ("2026-09", 1, 1, 1),
        ("2026-10", 0, 1, 1),
    ]


def test_nightly_roll_up_is_idempotent_and_contiguous(catalogue):
    build(
        [
            {
                "unit": n % 3,
                "procedure": n % 3,
                "received": n,
                "minute": 30,
                "limit": 2,
                "handled": 1,
                "outcome": "resolved",
                "online": False,
                "apology": False,
                "rating": "satisfied",
            }
            for n in range(20)
        ],
        *catalogue,
    )
    nightly_roll_up(today=TODAY)
    assert rolled_through() == TODAY - timedelta(days=1)
    stored = list(DailyStat.objects.order_by("pk").values_list("day", "received", "finished"))
    nightly_roll_up(today=TODAY)
    assert sorted(DailyStat.objects.values_list("day", "received", "finished")) == sorted(stored)
    assert sum(r for _d, r, _f in stored) == 20


def test_rates(catalogue):
    build(
        [
            {
                "unit": 0,
                "procedure": 0,
                "received": n,
                "minute": 0,
                "limit": 3,
                "handled": h,
                "outcome": "resolved",
                "online": n % 2 == 0,
                "apology": False,
                "rating": None,
            }
            for n, h in enumerate([1, 1, 2, 5])
        ],
        *catalogue,
    )
    (row,) = on_time_report(FIRST_DAY, date(2026, 9, 30), today=TODAY)
    assert (row.finished, row.early, row.late) == (4, 3, 1)
    assert row.on_time_rate == 75.0
    assert row.online_share == 50.0
    assert row.as_dict()["progress_rate"] == 75.0
