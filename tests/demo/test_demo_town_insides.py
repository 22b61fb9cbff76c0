"""The inside of the demo town's dossiers, as seed_demo writes them: every step with a
handler of its unit and role, approvals by that unit's leader, a few returns for rework,
some dossiers at risk, and the town's and the wards' on-time rates kept."""

import re

import pytest
import time_machine
from django.db import transaction
from django.db.models import Count, F

from core.models import Unit, User
from core.roles import Role
from demo import catalogue, dossiers, town
from dossiers import selectors
from dossiers.models import Dossier, DossierEvent, DossierStep, StepRework, service_unit
from dossiers.reporting import late
from dossiers.workflow import Action
from procedures.models import WorkflowStep
from tests.world import NOW

COUNT = 6_000
RATES = re.compile(r"on time: town (?P<town>[\d.]+) %, wards (?P<wards>[\d.]+) %")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo town seeded once for the module, at the tests' `NOW`; rolled back after."""
    lines = []
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        town.seed(lines.append)
        catalogue.seed(lines.append)
        dossiers.seed(lines.append, count=COUNT, now=NOW)
        yield lines
        transaction.set_rollback(True)


@pytest.fixture
def steps(demo, db):
    return DossierStep.objects.select_related("unit", "handler__unit", "dossier")


def roles_of(user):
    return set(user.groups.values_list("name", flat=True))


def test_the_busiest_procedures_take_most_dossiers_and_each_gets_its_steps(demo, db):
    procedures = WorkflowStep.objects.values("procedure")
    with_workflow = Dossier.objects.filter(procedure__in=procedures)
    assert with_workflow.count() > COUNT / 2
    received = with_workflow.filter(received_at__isnull=False)
    counts = received.annotate(count=Count("steps")).values_list("count", flat=True)
    assert set(counts) == {4}


def test_every_started_step_has_a_handler_of_its_unit_and_role(steps):
    started = steps.filter(started_at__isnull=False)
    assert started.count() > 10_000
    assert not started.filter(handler__isnull=True).exists()
    roles = {user.pk: roles_of(user) for user in User.objects.filter(is_staff=True)}
    for step in started:
        assert step.role in roles[step.handler_id], step
        if step.role == Role.DESK_OFFICER:
            assert step.unit_id == step.dossier.receiving_unit_id
            assert service_unit(step.handler.unit) == step.unit
        else:
            assert step.unit_id == step.dossier.handling_unit_id
            assert step.handler.unit == step.unit
    # Names in Vietnamese order: family name first.
    handlers = User.objects.filter(pk__in=started.values("handler"))
    assert handlers.count() > 30
    assert all(user.last_name.split()[0] in town.FAMILY_NAMES for user in handlers)


def test_approvals_are_given_by_a_leader_of_the_handling_unit(steps):
    approved = steps.filter(role=Role.UNIT_LEADER, finished_at__isnull=False)
    assert approved.count() > 3_000
    assert not approved.exclude(approved_by=F("handler")).exists()
    leaders = set(User.objects.filter(groups__name=Role.UNIT_LEADER).values_list("pk", flat=True))
    assert set(approved.values_list("approved_by", flat=True)) <= leaders
    assert not approved.exclude(approved_by__unit=F("unit")).exists()
    units = Unit.objects.filter(pk__in=approved.values("unit"))
    assert {unit.kind for unit in units} == {"department", "ward", "commune"}
    events = DossierEvent.objects.filter(action=Action.APPROVE)
    assert events.count() == approved.count()
    assert not events.exclude(actor__groups__name=Role.UNIT_LEADER).exists()


def test_about_three_in_a_hundred_approvals_send_the_dossier_back(steps):
    approvals = steps.filter(role=Role.UNIT_LEADER, started_at__isnull=False).count()
    reworks = StepRework.objects.select_related("step", "returned_from")
    assert 0.015 * approvals < reworks.count() < 0.05 * approvals
    for rework in reworks:
        assert rework.step.rework_count == 1
        assert (rework.step.role, rework.returned_from.role) == (Role.SPECIALIST, Role.UNIT_LEADER)
        assert rework.returned_by_id == rework.returned_from.handler_id
        assert rework.reason
    events = DossierEvent.objects.filter(action=Action.RETURN_FOR_REWORK)
    assert events.count() == reworks.count()


def test_a_few_steps_finish_late_mostly_in_dossiers_kept_in_time(steps):
    judged = steps.exclude(verdict="")
    late_steps = judged.filter(verdict="late")
    assert 0.003 * judged.count() < late_steps.count() < 0.012 * judged.count()
    assert late_steps.exclude(dossier__verdict="late").count() > late_steps.count() / 2


def test_some_open_dossiers_are_at_risk_by_the_rules(demo, db):
    admin = User.objects.get(username="admin")
    risky = selectors.at_risk(admin, now=NOW)
    assert 0 < len(risky) < 100
    assert 0 < late.at_risk(admin, now=NOW).count() < 100


def test_the_on_time_rates_stay_the_towns(demo):
    (line,) = [line for line in demo if "on time:" in line]
    rates = RATES.search(line)
    assert abs(float(rates["town"]) - 98.2) <= 0.3
    assert abs(float(rates["wards"]) - 99.8) <= 0.3
