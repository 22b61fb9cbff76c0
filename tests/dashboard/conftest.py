"""Dossiers for the dashboard and transparency tests, over ``tests.world``: many at random
over the last four months (to compare the figures with direct counts), and the live lists'
overdue and at-risk ones."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from core.workdays import Verdict
from dossiers.models import Satisfaction, Status
from procedures.models import Channel
from tests.factories import DossierFactory


def random_dossiers(world, count, seed):
    """``count`` dossiers over the last four months at the town's desk and its wards, in
    every state, some rated."""
    pick = random.Random(seed)
    now = timezone.now()
    units = [world.town, *world.wards]
    procedures = [world.town_procedure, world.desk_procedure, world.ward_procedure]
    levels = [Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.DISSATISFIED]
    for _n in range(count):
        received = now - timedelta(days=pick.randint(0, 120), minutes=pick.randint(1, 600))
        due = received + timedelta(days=pick.randint(1, 12))
        handled = received + timedelta(days=pick.randint(0, 15), minutes=pick.randint(0, 500))
        resolved = handled if handled < now and pick.random() < 0.8 else None
        verdict = ""
        if resolved:
            verdict = Verdict.EARLY if resolved.date() < due.date() else Verdict.ON_TIME
            verdict = Verdict.LATE if resolved > due else verdict
        rating = pick.choice([None, *levels]) if resolved else None
        paused = not resolved and pick.random() >= 0.8
        status = {"status": Status.SUPPLEMENT_REQUESTED} if paused else {}
        DossierFactory(
            receiving_unit=pick.choice(units),
            procedure=pick.choice(procedures),
            received_at=received,
            due_at=due,
            resolved=bool(resolved),
            resolved_at=resolved,
            verdict=verdict,
            **status,
            channel=pick.choice([Channel.COUNTER, Channel.ONLINE]),
            rating=rating,
            rating__at=min(now, resolved + timedelta(hours=2)) if rating else None,
            apology_count=int(verdict == Verdict.LATE and pick.random() < 0.5),
        )


def overdue_and_at_risk(world):
    """One dossier past its due time and one due within the hour, both being handled: the
    live lists are never empty (an empty list costs one query less)."""
    now = timezone.now()
    DossierFactory(
        overdue=True,
        receiving_unit=world.ward,
        procedure=world.ward_procedure,
        due_at=now - timedelta(days=1),
    )
    DossierFactory(
        receiving_unit=world.ward,
        procedure=world.ward_procedure,
        received_at=now - timedelta(days=5),
        due_at=now + timedelta(hours=1),
    )


@pytest.fixture
def add_random_dossiers(clock):
    """add_random_dossiers(world, count, seed), at the clock's time."""
    return random_dossiers


@pytest.fixture
def add_overdue_and_at_risk(clock):
    """add_overdue_and_at_risk(world), at the clock's time."""
    return overdue_and_at_risk
