"""Internal steps that move: made at receipt from the version's workflow, assigned,
finished, approved, returned for rework; their due times in working time across a holiday
and a pause; the leader's approval before resolution; the work lists and the at-risk rule."""

from datetime import datetime

import pytest
from rest_framework.test import APIClient

from core.models import User
from core.roles import Role
from core.workdays import TZ
from dossiers import selectors, tasks
from dossiers.messaging import reminders
from dossiers.models import DossierStep, Reminder, ReminderKind, Status, StepRework
from dossiers.services import step_actions, transitions
from dossiers.services.errors import TransitionError
from dossiers.services.intake import file_online, intake_at_counter
from dossiers.workflow import TRANSITIONS, Action, available_actions
from procedures.models import WorkflowStep
from tests.dossiers.conftest import intake
from tests.world import add_review_step


def at(*args):
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def steps_world(world):
    """Birth registration with two steps: the specialists' review (75 % of the 24 working
    hours, 18 h) and the town leader's approval (25 %, 6 h)."""
    add_review_step(world, share=75)
    WorkflowStep.objects.create(
        procedure=world.procedure,
        order=2,
        name="Phê duyệt",
        unit=world.town,
        role=Role.UNIT_LEADER,
        share=25,
    )
    return world


def handed_over(world):
    """Received Mon 23/11 09:00 (due Fri 27/11 09:00), handed to the first step."""
    dossier = intake_at_counter(world.desk_officer, intake(world), applicant_user=world.citizen)
    return transitions.transfer(dossier, world.desk_officer)


def current(dossier):
    return DossierStep.objects.current().get(dossier=dossier)


class TestSteps:
    def test_a_procedure_without_workflow_gets_no_steps(self, world, clock):
        dossier = intake_at_counter(world.desk_officer, intake(world))
        dossier = transitions.transfer(dossier, world.desk_officer, to_unit=world.justice)
        assert not dossier.steps.exists()
        assert transitions.resolve(dossier, world.specialist).status == Status.RESOLVED

    def test_assign_complete_approve_resolve(self, steps_world, clock):
        world = steps_world
        dossier = intake_at_counter(world.desk_officer, intake(world), applicant_user=world.citizen)
        assert [s.name for s in dossier.steps.all()] == ["Thẩm định", "Phê duyệt"]
        assert not DossierStep.objects.current().filter(dossier=dossier).exists()
        dossier = transitions.transfer(dossier, world.desk_officer)
        review = current(dossier)
        # 18 h from Mon 09:00: Mon 7 h, Tue 24/11 a holiday, Wed 8 h, Thu 08-11.
        assert (review.started_at, review.due_at) == (at(2026, 11, 23, 9), at(2026, 11, 26, 11))
        assert dossier.step_due_at == review.due_at
        assert dossier.handling_unit == world.justice

        dossier = step_actions.assign(dossier, world.unit_leader, world.specialist)
        assert current(dossier).handler == world.specialist
        assert dossier.handler == world.specialist

        # Paused Wed 25/11 10:00 with 9 working hours of the step left; resumed Fri 08:00.
        clock.move_to(at(2026, 11, 25, 10))
        dossier = transitions.request_supplement(dossier, world.specialist, "Thiếu tờ khai")
        clock.move_to(at(2026, 11, 27, 8))
        dossier = transitions.supplement(dossier, world.citizen, "Đã bổ sung")
        review = current(dossier)
        assert review.due_at == at(2026, 11, 30, 9)  # Fri 8 h + Mon 1 h
        assert dossier.step_due_at == review.due_at
        assert dossier.due_at == at(2026, 11, 30, 16)  # 15 h left: Fri 8 h + Mon 7 h

        clock.move_to(at(2026, 11, 30, 10))
        with pytest.raises(TransitionError, match="chờ phê duyệt"):
            step_actions.approve(dossier, world.unit_leader)
        dossier = step_actions.complete_step(dossier, world.specialist, note="Đủ điều kiện")
        review.refresh_from_db()
        assert (review.finished_at, review.verdict) == (at(2026, 11, 30, 10), "late")
        approval = current(dossier)
        assert approval.name == "Phê duyệt"
        assert approval.due_at == at(2026, 11, 30, 17)  # 6 h from Mon 10:00
        assert dossier.handling_unit == world.town
        assert dossier.status == Status.IN_PROGRESS
        offered = available_actions(dossier, world.unit_leader)
        assert [action for action in offered if TRANSITIONS[action].step] == [
            Action.ASSIGN,
            Action.APPROVE,
            Action.RETURN_FOR_REWORK,
        ]

        with pytest.raises(TransitionError) as refused:
            transitions.resolve(dossier, world.unit_leader)
        assert "Phê duyệt" in refused.value.message
        dossier.refresh_from_db()
        assert dossier.status == Status.IN_PROGRESS

        clock.move_to(at(2026, 11, 30, 11))
        dossier = step_actions.approve(dossier, world.unit_leader)
        approval.refresh_from_db()
        assert (approval.approved_by, approval.verdict) == (world.unit_leader, "on_time")
        dossier = transitions.resolve(dossier, world.unit_leader)
        # Done on the day it is due, before the hour: on time (early is an earlier day).
        assert (dossier.status, dossier.verdict) == (Status.RESOLVED, "on_time")
        actions = list(dossier.events.values_list("action", flat=True))
        assert actions[-4:] == ["supplement", "complete-step", "approve", "resolve"]

    def test_return_for_rework_is_recorded(self, steps_world, clock):
        world = steps_world
        dossier = handed_over(world)
        dossier = step_actions.assign(dossier, world.desk_officer, world.specialist)
        with pytest.raises(TransitionError, match="Bước đầu tiên"):
            step_actions.return_for_rework(dossier, world.specialist, "Làm lại")
        clock.move_to(at(2026, 11, 23, 10))
        dossier = step_actions.complete_step(dossier, world.specialist)
        with pytest.raises(TransitionError) as blank:
            step_actions.return_for_rework(dossier, world.unit_leader, " ")
        assert blank.value.field == "reason"
        clock.move_to(at(2026, 11, 23, 11))
        dossier = step_actions.return_for_rework(dossier, world.unit_leader, "Thiếu căn cứ")
        review = current(dossier)
        assert (review.name, review.handler, review.rework_count) == (
            "Thẩm định",
            world.specialist,
            1,
        )
        # A fresh 18 h from Mon 11:00: Mon 5 h, Wed 8 h, Thu 5 h.
        assert review.due_at == at(2026, 11, 26, 14)
        assert dossier.handling_unit == world.justice
        rework = StepRework.objects.get()
        assert (rework.returned_from.name, rework.reason) == ("Phê duyệt", "Thiếu căn cứ")
        assert dossier.events.last().action == "return-for-rework"

    def test_only_a_handler_of_the_step_unit_is_assigned(self, steps_world, clock):
        world = steps_world
        dossier = handed_over(world)
        with pytest.raises(TransitionError) as refused:
            step_actions.assign(dossier, world.unit_leader, world.other_specialist)
        assert refused.value.field == "handler"
        with pytest.raises(TransitionError):
            step_actions.assign(dossier, world.other_unit_leader, world.specialist)

    def test_step_reminder_before_the_budget_runs_out(self, steps_world, clock, settings):
        settings.ONESTOP_DUE_SOON_HOURS = 4
        dossier = step_actions.assign(
            handed_over(steps_world), steps_world.unit_leader, steps_world.specialist
        )
        assert reminders.sweep_steps_due_soon(at(2026, 11, 25, 9)) == 0
        clock.move_to(at(2026, 11, 26, 8))  # the step is due at 11:00
        assert tasks.sweep_reminders()["step_due_soon"] == 1
        reminder = Reminder.objects.get()
        assert (reminder.kind, reminder.recipient, reminder.dossier) == (
            ReminderKind.STEP_DUE_SOON,
            steps_world.specialist,
            dossier,
        )


def fresh(user):
    user = User.objects.select_related("unit").get(pk=user.pk)
    user.role_names()
    return user


class TestWorkLists:
    def build(self, world, count):
        for _ in range(count):
            dossier = handed_over(world)
            step_actions.assign(dossier, world.unit_leader, world.specialist)
        # One more in the other town, at its justice office: out of these users' scope.
        other = handed_over(world)
        other.steps.update(unit=world.other_justice)
        other_town = world.other_justice.parent
        type(other).objects.filter(pk=other.pk).update(
            receiving_unit=other_town, handling_unit=world.other_justice
        )
        return other

    def test_lists_per_role(self, steps_world, clock):
        world = steps_world
        self.build(world, 2)
        spec, leader = fresh(world.specialist), fresh(world.unit_leader)
        assert len(selectors.assigned_to_me(spec)) == 2
        assert len(selectors.assigned_to_me(leader)) == 0
        assert len(selectors.my_unit_steps(spec)) == 2
        assert len(selectors.my_unit_steps(leader)) == 2
        assert len(selectors.awaiting_my_approval(spec)) == 0
        assert len(selectors.awaiting_my_approval(leader)) == 0
        assert len(selectors.my_unit_steps(fresh(world.other_unit_leader))) == 1
        assert len(selectors.assigned_to_me(fresh(world.other_specialist))) == 0
        first = selectors.assigned_to_me(spec).first().dossier
        clock.move_to(at(2026, 11, 23, 10))
        step_actions.complete_step(first, world.specialist)
        assert [s.dossier for s in selectors.awaiting_my_approval(leader)] == [first]
        assert len(selectors.awaiting_my_approval(fresh(world.other_unit_leader))) == 0
        clock.move_to(at(2026, 11, 26, 8))
        due = selectors.with_time_left(selectors.steps_due_soon(spec))
        assert [str(s.left) for s in due] == ["3:00:00"]

    @pytest.mark.parametrize("count", [1, 4])
    def test_query_counts_do_not_grow(
        self, steps_world, clock, client, django_assert_num_queries, count
    ):
        self.build(steps_world, count)
        clock.move_to(at(2026, 11, 26, 8))  # every step is due at 11:00
        spec = fresh(steps_world.specialist)
        selectors.with_time_left(selectors.assigned_to_me(spec))  # the calendar is cached
        for select in (
            selectors.assigned_to_me,
            selectors.my_unit_steps,
            selectors.steps_due_soon,
        ):
            with django_assert_num_queries(1):
                rows = selectors.with_time_left(select(spec))
            assert len(rows) == count
        with django_assert_num_queries(2):
            selectors.at_risk(spec)
        client.force_login(steps_world.specialist)
        with django_assert_num_queries(12):  # each paged list counts its rows once
            response = client.get("/desk/work/")
        assert (
            response.content.decode().count("Thẩm định") == 3 * count
        )  # mine, my unit's, due soon
        assert "còn 3 giờ" in response.content.decode()


class TestAtRisk:
    @pytest.mark.parametrize(
        ("moment", "done_first", "risky"),
        [
            (at(2026, 11, 23, 9), False, False),  # on plan: 18 h + 6 h = the 24 h left
            (at(2026, 11, 25, 9), False, False),  # 10 h + 6 h needed, 16 h left
            (at(2026, 11, 26, 11, 30), False, True),  # review overdue: 6 h needed, 5.5 h left
            (at(2026, 11, 26, 15), False, True),  # 6 h needed, 3 h left
            (at(2026, 11, 26, 11, 30), True, True),  # approval's 6 h from 11:30, 5.5 h left
            (at(2026, 11, 23, 10), True, False),  # approval's 6 h, 23 h left
        ],
    )
    def test_rule(self, steps_world, clock, moment, done_first, risky):
        dossier = handed_over(steps_world)
        clock.move_to(moment)
        if done_first:
            step_actions.complete_step(dossier, steps_world.admin)
        found = selectors.at_risk(fresh(steps_world.unit_leader))
        assert (dossier in found) == risky


class TestApi:
    def test_steps_and_actions(self, steps_world, clock):
        world = steps_world
        dossier = handed_over(world)
        api = APIClient()
        api.force_authenticate(world.unit_leader)
        url = f"/api/v1/dossiers/{dossier.code}/"
        bad = api.post(f"{url}assign/", {"handler": "nobody"}, format="json")
        assert bad.status_code == 400 and "handler" in bad.json()
        wrong = api.post(f"{url}assign/", {"handler": "spec2"}, format="json")
        assert wrong.status_code == 400 and "handler" in wrong.json()
        done = api.post(f"{url}assign/", {"handler": "spec"}, format="json")
        assert done.status_code == 200
        steps = done.json()["steps"]
        assert steps[0] == {
            "name": "Thẩm định",
            "unit": {"code": world.justice.code, "name": world.justice.name},
            "handler": {"username": "spec", "name": world.specialist.get_full_name()},
            "started_at": "2026-11-23T09:00:00+07:00",
            "due_at": "2026-11-26T11:00:00+07:00",
            "finished_at": None,
            "verdict": "",
        }
        assert steps[1]["started_at"] is None
        refused = api.post(f"{url}resolve/", {}, format="json")
        assert refused.status_code == 400 and "detail" in refused.json()
        api.force_authenticate(world.specialist)
        assert api.post(f"{url}complete-step/", {}, format="json").status_code == 200
        api.force_authenticate(world.unit_leader)
        back = api.post(f"{url}return-for-rework/", {}, format="json")
        assert back.status_code == 400 and "reason" in back.json()
        assert api.post(f"{url}approve/", {}, format="json").status_code == 200
        result = api.post(f"{url}resolve/", {}, format="json").json()
        assert result["status"] == "resolved"
        assert [step["verdict"] for step in result["steps"]] == ["early", "on_time"]


def test_an_online_filing_gets_its_steps_at_receipt(steps_world, clock):
    world = steps_world
    dossier = file_online(world.citizen, intake(world), world.town)
    assert not dossier.steps.exists()
    dossier = transitions.receive(dossier, world.desk_officer)
    assert [step.name for step in dossier.steps.all()] == ["Thẩm định", "Phê duyệt"]


def test_the_desk_page_takes_the_step_actions(steps_world, clock, client):
    world = steps_world
    dossier = handed_over(world)
    client.force_login(world.unit_leader)
    page = client.get(f"/desk/dossiers/{dossier.code}/").content.decode()
    assert "Phân công xử lý bước" in page
    url = f"/desk/dossiers/{dossier.code}/assign/"
    blank = client.post(url, {"assign-note": ""})
    assert blank.status_code == 200 and "Hãy chọn cán bộ xử lý bước này." in blank.content.decode()
    done = client.post(url, {"assign-handler": world.specialist.pk})
    assert done.status_code == 302
    assert current(dossier).handler == world.specialist
