"""Why late: the late dossiers with the unit, officer and step that held them when their
time ran out, against direct counts; the at-risk rule."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from core.workdays import Verdict
from dossiers.models import DossierEvent, DossierStep, Status
from dossiers.reporting import late
from dossiers.workflow import Action
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def _event(dossier, at, unit, actor=None, step_name="", action=Action.TRANSFER):
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        actor=actor,
        at=at,
        from_status=Status.IN_PROGRESS,
        to_status=Status.IN_PROGRESS,
        to_unit=unit,
        due_at=dossier.due_at,
        step_name=step_name,
    )


def _period():
    today = timezone.localdate()
    return today - timedelta(days=60), today


def _random_late_world(world, count, seed):
    """``count`` dossiers received at the town and the wards, sent on (or not) to the
    justice office before or after their due time, in every state."""
    pick = random.Random(seed)
    now = timezone.now()
    officers = [world.specialist, world.ward_specialist, None]
    for _n in range(count):
        received = now - timedelta(days=pick.randint(1, 50), hours=pick.randint(0, 8))
        due = received + timedelta(days=pick.randint(1, 12))
        resolved = received + timedelta(days=pick.randint(0, 15))
        resolved = resolved if resolved < now and pick.random() < 0.6 else None
        verdict = ""
        if resolved:
            verdict = Verdict.LATE if resolved > due else Verdict.ON_TIME
        dossier = DossierFactory(
            receiving_unit=pick.choice([world.town, *world.wards]),
            procedure=pick.choice([world.town_procedure, world.ward_procedure]),
            received_at=received,
            due_at=due,
            resolved_at=resolved,
            verdict=verdict,
            status=Status.RESOLVED if resolved else Status.IN_PROGRESS,
        )
        if pick.random() < 0.6:
            sent = received + timedelta(days=pick.randint(0, 12), hours=1)
            _event(dossier, sent, world.justice, pick.choice(officers), "Thẩm định")


def _direct(first, last, now):
    """{dossier: (held unit id, officer id, step)} of the late ones, counted in Python."""
    start, end = late.day_bounds(first, last)
    held = {}
    for dossier in late.Dossier.objects.prefetch_related("events"):
        finished_late = (
            dossier.resolved_at is not None
            and start <= dossier.resolved_at < end
            and dossier.verdict == Verdict.LATE
        )
        overdue = dossier.status in late.CLOCK_RUNNING_STATUSES and start <= dossier.due_at < min(
            end, now
        )
        if finished_late or overdue:
            before = [event for event in dossier.events.all() if event.at <= dossier.due_at]
            last_event = sorted(before, key=lambda event: (event.at, event.pk))[-1]
            held[dossier.pk] = (last_event.to_unit_id, last_event.actor_id, last_event.step_name)
    return held


def test_late_by_holding_unit_officer_and_step_equals_a_direct_count(world, clock):
    _random_late_world(world, 60, seed=14)
    first, last = _period()
    now = timezone.now()
    expected = _direct(first, last, now)
    assert expected, "the random world has late dossiers"
    rows = late.late_dossiers(world.admin, first, last)
    assert {row.pk: (row.held_unit_id, row.held_officer_id, row.held_step) for row in rows} == {
        pk: (unit, officer, step or "") for pk, (unit, officer, step) in expected.items()
    }
    for grouping, index in ((late.Grouping.UNIT, 0), (late.Grouping.OFFICER, 1)):
        groups = late.late_groups(world.admin, first, last, grouping)
        counted = Counter(held[index] for held in expected.values())
        assert {group.key: group.late for group in groups} == dict(counted)
    # The town's late dossiers split between the desk and the justice office that held them.
    by_unit = {g.key: g for g in late.late_groups(world.admin, first, last, "unit")}
    assert world.justice.pk in by_unit
    assert by_unit[world.justice.pk].name == world.justice.display_name


def test_the_holder_is_the_one_in_force_at_the_due_time(world, clock):
    now = timezone.now()
    dossier = DossierFactory(overdue=True, receiving_unit=world.town)
    _event(
        dossier, dossier.due_at - timedelta(hours=5), world.justice, world.specialist, "Thẩm định"
    )
    # Sent back to the desk after the time ran out: the justice office still held it then.
    _event(dossier, dossier.due_at + timedelta(hours=2), world.town, world.desk_officer, "Trả")
    resolved = DossierFactory(
        resolved=True,
        verdict=Verdict.LATE,
        receiving_unit=world.ward,
        received_at=now - timedelta(days=12),
    )
    DossierStep.objects.create(
        dossier=resolved,
        order=1,
        name="Thẩm định",
        share=100,
        handler=world.ward_specialist,
        started_at=resolved.received_at,
        due_at=resolved.due_at,
    )
    DossierFactory(resolved=True, verdict=Verdict.ON_TIME, receiving_unit=world.town)
    DossierFactory(receiving_unit=world.town)  # running, not due yet
    first, last = _period()
    rows = late.with_holder_names(late.late_dossiers(world.admin, first, last, now=now))
    found = {row.code: row for row in rows}
    assert set(found) == {dossier.code, resolved.code}
    assert found[dossier.code].held_unit == world.justice.display_name
    assert found[dossier.code].held_officer == world.specialist.get_full_name()
    assert found[dossier.code].held_step == "Thẩm định"
    assert found[resolved.code].held_unit == world.ward.display_name
    assert found[resolved.code].held_officer == world.ward_specialist.get_full_name()
    assert found[resolved.code].held_step == "Thẩm định"
    steps = late.late_groups(world.admin, first, last, late.Grouping.STEP)
    assert [(group.name, group.late) for group in steps] == [("Thẩm định", 2)]


def test_a_ward_leader_reads_only_their_ward(world, clock):
    DossierFactory(overdue=True, receiving_unit=world.ward)
    DossierFactory(overdue=True, receiving_unit=world.other_ward)
    DossierFactory(overdue=True, receiving_unit=world.town)
    first, last = _period()
    rows = list(late.late_dossiers(world.ward_leader, first, last))
    assert [row.receiving_unit_id for row in rows] == [world.ward.pk]
    town = late.late_dossiers(world.leader, first, last, unit=world.other_ward)
    assert [row.receiving_unit_id for row in town] == [world.other_ward.pk]


def test_at_risk_is_running_not_overdue_with_little_of_its_allowance_left(world, clock):
    now = timezone.now()
    allowance = timedelta(hours=40)
    risky = DossierFactory(due_at=now + timedelta(hours=2), allowance=allowance)
    DossierFactory(due_at=now + timedelta(days=6), allowance=allowance)  # plenty left
    DossierFactory(overdue=True, allowance=allowance)  # already late: not "at risk"
    DossierFactory(paused=True, due_at=now + timedelta(hours=2), allowance=allowance)
    assert [d.pk for d in late.at_risk(world.admin, now=now)] == [risky.pk]
    assert list(late.at_risk(world.admin, now=now, share=0)) == []


@pytest.mark.parametrize("grouping", [g for g, _label in late.GROUPING_CHOICES])
def test_queries_do_not_grow_with_the_dossiers(world, clock, django_assert_num_queries, grouping):
    first, last = _period()
    names = 1 if grouping == late.Grouping.STEP else 2
    for size in (3, 12):
        _random_late_world(world, size, seed=size)
        held = DossierFactory(overdue=True, receiving_unit=world.town)
        _event(held, held.due_at - timedelta(hours=1), world.justice, world.specialist)
        with django_assert_num_queries(names):
            late.late_groups(world.admin, first, last, grouping)
        with django_assert_num_queries(3):
            late.with_holder_names(late.late_dossiers(world.admin, first, last))
