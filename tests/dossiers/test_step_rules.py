"""The step actions as rows of the one workflow table: which current step each fits, who
may take it there (the step's handler, the receiving desk, a unit leader whose unit covers
the step's), what the desk and the API offer, and what reading the current step costs."""

import pytest
from django.db.models import Prefetch
from rest_framework.test import APIClient

from dossiers.models import Dossier, DossierStep, Status
from dossiers.services import step_actions, transitions
from dossiers.services.errors import TransitionError
from dossiers.workflow import SAME, TRANSITIONS, Action, available_actions, refusal_reason
from tests.dossiers.test_steps import at, current, fresh, handed_over, steps_world

__all__ = ["steps_world"]  # the fixture, shared with the step tests

STEP_ACTIONS = [Action.ASSIGN, Action.COMPLETE_STEP, Action.APPROVE, Action.RETURN_FOR_REWORK]


def step_actions_for(dossier, user):
    return [action for action in available_actions(dossier, user) if TRANSITIONS[action].step]


def at_approval(world, clock):
    """Reviewed by its handler Mon 23/11 10:00: the town leader's approval is current."""
    dossier = step_actions.assign(handed_over(world), world.unit_leader, world.specialist)
    clock.move_to(at(2026, 11, 23, 10))
    return step_actions.complete_step(dossier, world.specialist)


def moved_to_ward(world, dossier):
    """Handed on to a ward outside the workflow: the current step stays where it is, and
    the ward's leader now sees the dossier without covering the step's unit."""
    return transitions.transfer(dossier, world.desk_officer, to_unit=world.ward)


def test_the_one_table_holds_the_step_actions():
    kinds = {action: TRANSITIONS[action].step for action in STEP_ACTIONS}
    assert kinds == {
        Action.ASSIGN: "any",
        Action.COMPLETE_STEP: "work",
        Action.APPROVE: "approval",
        Action.RETURN_FOR_REWORK: "after_first",
    }
    for action in STEP_ACTIONS:
        assert TRANSITIONS[action].sources == {Status.IN_PROGRESS}, action
        assert TRANSITIONS[action].targets == {SAME}, action
    assert [str(action) for action in STEP_ACTIONS] == [
        "assign",
        "complete-step",
        "approve",
        "return-for-rework",
    ]
    assert {action for action, rule in TRANSITIONS.items() if rule.step} == set(STEP_ACTIONS)


class TestAvailable:
    def test_at_the_review_step(self, steps_world, clock):
        world = steps_world
        dossier = handed_over(world)
        assert step_actions_for(dossier, world.desk_officer) == [Action.ASSIGN]
        assert step_actions_for(dossier, world.unit_leader) == [Action.ASSIGN, Action.COMPLETE_STEP]
        # Not yet named the step's handler: the specialist has nothing to do at the step.
        assert step_actions_for(dossier, world.specialist) == []
        dossier = step_actions.assign(dossier, world.unit_leader, world.specialist)
        assert step_actions_for(dossier, world.specialist) == [Action.COMPLETE_STEP]
        assert step_actions_for(dossier, world.other_unit_leader) == []
        # Status actions come in the same list.
        assert Action.RESOLVE in available_actions(dossier, world.specialist)

    def test_at_the_approval_step(self, steps_world, clock):
        world = steps_world
        dossier = at_approval(world, clock)
        assert step_actions_for(dossier, world.unit_leader) == [
            Action.ASSIGN,
            Action.APPROVE,
            Action.RETURN_FOR_REWORK,
        ]
        assert step_actions_for(dossier, world.desk_officer) == [Action.ASSIGN]
        assert step_actions_for(dossier, world.specialist) == []
        assert step_actions_for(dossier, world.admin) == STEP_ACTIONS[:1] + STEP_ACTIONS[2:]

    def test_none_while_paused(self, steps_world, clock):
        world = steps_world
        paused = transitions.request_supplement(handed_over(world), world.specialist, "Thiếu")
        assert step_actions_for(paused, world.admin) == []

    def test_none_without_steps(self, world, make):
        dossier = make("in_progress")
        assert step_actions_for(dossier, world.admin) == []
        assert "không có bước" in refusal_reason(Action.ASSIGN, dossier, world.admin)


class TestWhoActsAtTheStep:
    def test_the_named_handler_finishes_and_another_specialist_does_not(self, steps_world, clock):
        world = steps_world
        dossier = handed_over(world)
        with pytest.raises(TransitionError, match="Chỉ cán bộ được phân công bước này"):
            step_actions.complete_step(dossier, world.specialist)
        dossier = step_actions.assign(dossier, world.desk_officer, world.specialist)
        dossier = step_actions.complete_step(dossier, world.specialist)
        assert current(dossier).name == "Phê duyệt"

    def test_a_leader_not_covering_the_step_is_refused(self, steps_world, clock):
        world = steps_world
        review = moved_to_ward(world, handed_over(world))
        assert current(review).unit == world.justice and review.handling_unit == world.ward
        with pytest.raises(TransitionError, match=world.justice.display_name):
            step_actions.complete_step(review, world.ward_leader)
        approval = moved_to_ward(world, at_approval(world, clock))
        with pytest.raises(TransitionError, match="Chỉ lãnh đạo đơn vị phụ trách"):
            step_actions.approve(approval, world.ward_leader)
        with pytest.raises(TransitionError, match="Chỉ cán bộ được phân công bước này"):
            step_actions.return_for_rework(approval, world.ward_leader, "Làm lại")
        with pytest.raises(TransitionError):
            step_actions.approve(approval, world.other_unit_leader)
        assert current(approval).approved_by is None
        assert step_actions.approve(approval, world.unit_leader).status == Status.IN_PROGRESS

    def test_the_step_kind_is_the_tables(self, steps_world, clock):
        world = steps_world
        dossier = handed_over(world)
        with pytest.raises(TransitionError, match="chờ phê duyệt"):
            step_actions.approve(dossier, world.unit_leader)
        with pytest.raises(TransitionError, match="Bước đầu tiên"):
            step_actions.return_for_rework(dossier, world.unit_leader, "Làm lại")
        dossier = at_approval(world, clock)
        with pytest.raises(TransitionError, match="phê duyệt của lãnh đạo"):
            step_actions.complete_step(dossier, world.unit_leader)
        assert dossier.events.last().action == "complete-step"

    def test_the_api_refuses_with_the_reason(self, steps_world, clock):
        world = steps_world
        dossier = moved_to_ward(world, at_approval(world, clock))
        url = f"/api/v1/dossiers/{dossier.code}/"
        api = APIClient()
        api.force_authenticate(world.ward_leader)
        assert "approve" not in api.get(url).json()["available_actions"]
        for action, body in (("approve", {}), ("return-for-rework", {"reason": "Làm lại"})):
            refused = api.post(f"{url}{action}/", body, format="json")
            assert refused.status_code == 400 and "Chỉ" in refused.json()["detail"], action
        api.force_authenticate(world.other_unit_leader)
        assert api.post(f"{url}approve/", {}, format="json").status_code == 404
        api.force_authenticate(world.unit_leader)
        shown = api.get(url).json()["available_actions"]
        assert {"assign", "approve", "return-for-rework"} <= set(shown)
        assert api.post(f"{url}approve/", {}, format="json").status_code == 200


class TestQueries:
    @pytest.mark.parametrize("user", ["unit_leader", "specialist", "desk_officer"])
    def test_the_current_step_is_read_once(
        self, steps_world, clock, user, django_assert_num_queries
    ):
        world = steps_world
        dossier = step_actions.assign(handed_over(world), world.unit_leader, world.specialist)
        actor = fresh(getattr(world, user))
        available_actions(dossier, actor)  # the desk's unit and its parent are loaded
        dossier = Dossier.objects.select_related("handling_unit").get(pk=dossier.pk)
        with django_assert_num_queries(1):
            available_actions(dossier, actor)

    def test_prefetched_steps_cost_nothing_and_other_statuses_no_step(
        self, steps_world, clock, django_assert_num_queries
    ):
        world = steps_world
        dossier = handed_over(world)
        leader = fresh(world.unit_leader)
        steps = Prefetch("steps", queryset=DossierStep.objects.select_related("unit"))
        prefetched = Dossier.objects.select_related("handling_unit").prefetch_related(steps)
        with_steps = prefetched.get(pk=dossier.pk)
        with django_assert_num_queries(0):
            assert Action.ASSIGN in available_actions(with_steps, leader)
        paused = transitions.request_payment(dossier, world.specialist)
        paused = Dossier.objects.select_related("handling_unit").get(pk=paused.pk)
        with django_assert_num_queries(0):
            assert Action.CONFIRM_PAYMENT in available_actions(paused, leader)
