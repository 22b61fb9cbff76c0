"""The components and internal steps of the generated dossiers: one component per paper,
steps along the simulated events, deterministic, and the dossiers' times untouched."""

from dataclasses import replace
from decimal import Decimal
from itertools import pairwise

import pytest

from core import workdays
from core.roles import Role
from demo.generator.filings import DossierGenerator
from demo.generator.insides import REWORK_REASONS, Paper, WorkflowRow
from dossiers.models import PaperForm, Status
from dossiers.workflow import Action
from procedures.models import Channel

from .test_generator import MONDAY_9AM, calendar, world

PAPERS = (
    Paper(301, "Tờ khai", required=True, originals=1),
    Paper(302, "Bản sao giấy khai sinh", required=True, copies=2),
    Paper(303, "Văn bản ủy quyền", case="Khi ủy quyền", required=False, originals=1),
)
WORKFLOW = (
    WorkflowRow("Tiếp nhận hồ sơ", None, Role.DESK_OFFICER, Decimal(5)),
    WorkflowRow("Thẩm định", None, Role.SPECIALIST, Decimal(70)),
    WorkflowRow("Phê duyệt", None, Role.UNIT_LEADER, Decimal(20)),
    WorkflowRow("Trả kết quả", None, Role.DESK_OFFICER, Decimal(5)),
)
LEADERS = {2: 300, None: 399}
COUNT = 1_500
STEP_ACTIONS = {Action.COMPLETE_STEP, Action.APPROVE, Action.RETURN_FOR_REWORK}


def inside_world(papers=PAPERS, workflow=WORKFLOW, leaders=LEADERS):
    plain = world()
    desks = tuple(
        replace(
            desk,
            procedures=tuple(
                replace(p, papers=papers, workflow=workflow if p.id in (1, 3) else ())
                for p in desk.procedures
            ),
        )
        for desk in plain.desks
    )
    return replace(plain, desks=desks, leaders=leaders)


def generate(built, seed=7):
    return list(DossierGenerator(built, MONDAY_9AM, seed=seed).generate(COUNT))


@pytest.fixture(scope="module")
def sample():
    return generate(inside_world())


def with_steps(dossiers):
    return [d for d in dossiers if d.steps]


def first(dossier, action):
    return next(e["at"] for e in dossier.events if e["action"] == action)


def test_one_component_per_paper_in_the_catalogues_form(sample):
    for dossier in sample:
        rows = dossier.components
        assert [row["document_id"] for row in rows] == [301, 302, 303]
        assert all(row["handed_over"] for row in rows if row["required"])
        online = dossier.fields["channel"] == Channel.ONLINE
        forms = [row["form"] for row in rows]
        if online:
            assert forms == [PaperForm.COPY] * 3
            assert all(row["digitised"] == row["handed_over"] for row in rows)
        else:
            assert forms == [PaperForm.ORIGINAL, PaperForm.COPY, PaperForm.ORIGINAL]
            assert not any(row["digitised"] for row in rows)
        assert [row["count"] for row in rows] == [1, 2, 1]
    conditional = [d.components[2]["handed_over"] for d in sample]
    assert 0.1 < sum(conditional) / len(conditional) < 0.5


def test_steps_follow_the_events_and_none_starts_after_now(sample):
    dossiers = with_steps(sample)
    assert len(dossiers) > 100
    cal = calendar()
    for dossier in dossiers:
        steps = dossier.steps
        assert [s["order"] for s in steps] == [1, 2, 3, 4]
        received = (
            first(dossier, Action.RECEIVE)
            if dossier.fields["channel"] == "online"
            else (first(dossier, Action.INTAKE))
        )
        assert steps[0]["started_at"] == received
        assert steps[0]["handler_id"] == 100 or dossier.fields["receiving_unit_id"] != 1
        for step in steps:
            assert step["started_at"] is None or step["started_at"] <= MONDAY_9AM
            assert step["finished_at"] is None or step["finished_at"] <= MONDAY_9AM
            if step["finished_at"] and step["verdict"]:
                assert step["verdict"] == workdays.verdict(cal, step["finished_at"], step["due_at"])
        if any(e["action"] == Action.TRANSFER for e in dossier.events):
            transfer = first(dossier, Action.TRANSFER)
            assert steps[0]["finished_at"] == transfer
            if dossier.reworks:  # the review started again when the dossier came back
                assert steps[1]["started_at"] == dossier.reworks[-1]["at"]
            else:
                assert steps[1]["started_at"] == transfer
        if dossier.fields["resolved_at"]:
            assert steps[-1]["finished_at"] == dossier.fields["resolved_at"]
            assert all(s["finished_at"] for s in steps)


def test_each_step_is_due_after_its_share_of_the_allowance(sample):
    cal = calendar()
    unpaused = [d for d in with_steps(sample) if not d.fields["supplement_count"]]
    checked = 0
    for dossier in unpaused:
        if any(e["action"] == Action.REQUEST_PAYMENT for e in dossier.events):
            continue
        for step in dossier.steps:
            if step["started_at"]:
                budget = dossier.fields["allowance"] * float(step["share"]) / 100
                expected = workdays.add_working_time(cal, step["started_at"], budget)
                assert step["due_at"] == expected
                checked += 1
    assert checked > 100


def test_most_steps_of_dossiers_in_time_are_in_time(sample):
    handling = [
        step
        for d in with_steps(sample)
        if d.fields["verdict"] and d.fields["verdict"] != "late"
        for step in d.steps[1:]
        if step["verdict"]
    ]
    late = sum(step["verdict"] == "late" for step in handling)
    assert 0 < late < 0.02 * len(handling)


def test_approval_by_the_unit_leader_and_the_dossier_at_its_current_step(sample):
    for dossier in with_steps(sample):
        approval = dossier.steps[2]
        if approval["finished_at"]:
            assert approval["approved_by_id"] == approval["handler_id"]
            unit = dossier.fields["handling_unit_id"]
            assert approval["handler_id"] == LEADERS.get(unit, LEADERS[None])
        current = [s for s in dossier.steps if s["started_at"] and not s["finished_at"]]
        assert len(current) <= 1
        if current:
            assert dossier.fields["step_index"] == current[0]["order"]
            assert dossier.fields["step_due_at"] == current[0]["due_at"]
        elif dossier.fields["status"] == Status.RESOLVED:
            assert dossier.fields["step_due_at"] is None


def test_same_seed_same_rows_and_the_dossiers_times_do_not_move(sample):
    again = generate(inside_world())
    assert [(d.components, d.steps, d.reworks, d.events) for d in again] == [
        (d.components, d.steps, d.reworks, d.events) for d in sample
    ]
    plain = generate(inside_world(papers=(), workflow=()))
    moved = {"step_index", "step_due_at", "handler_id", "updated_at"}
    for with_insides, without in zip(sample, plain, strict=True):
        life = [
            {**event, "step_name": "", "step_due_at": None}
            for event in with_insides.events
            if event["action"] not in STEP_ACTIONS
        ]
        assert life == without.events
        kept = {k: v for k, v in with_insides.fields.items() if k not in moved}
        assert kept == {k: v for k, v in without.fields.items() if k not in moved}


def test_the_events_name_the_steps_as_the_step_actions_log_them(sample):
    checked = 0
    for dossier in with_steps(sample):
        events, (_desk, review, approval, handing) = dossier.events, dossier.steps
        assert [e["at"] for e in events] == sorted(e["at"] for e in events)
        done = [e for e in events if e["action"] in STEP_ACTIONS]
        assert [e["action"] for e in done] in (
            [],
            [Action.COMPLETE_STEP],
            [Action.COMPLETE_STEP, Action.APPROVE],
            [Action.COMPLETE_STEP, Action.RETURN_FOR_REWORK],
            [Action.COMPLETE_STEP, Action.RETURN_FOR_REWORK, Action.COMPLETE_STEP],
            [Action.COMPLETE_STEP, Action.RETURN_FOR_REWORK, Action.COMPLETE_STEP, Action.APPROVE],
        )
        for before, event in pairwise(events):  # the dossier's due time then
            if event["action"] in STEP_ACTIONS:
                assert event["due_at"] == before["due_at"] is not None
        for event in done:
            assert event["from_status"] == event["to_status"] == Status.IN_PROGRESS
            expected = {
                Action.COMPLETE_STEP: (review, approval),
                Action.APPROVE: (approval, handing),
                Action.RETURN_FOR_REWORK: (approval, review),
            }[event["action"]]
            assert (event["actor_id"], event["step_name"]) == (
                expected[0]["handler_id"],
                expected[1]["name"],
            )
        transfers = [e for e in events if e["action"] == Action.TRANSFER]
        if transfers:
            assert transfers[0]["step_name"] == review["name"]
            assert transfers[0]["step_due_at"] is not None
        if Action.APPROVE in [e["action"] for e in done]:
            assert approval["approved_by_id"] == approval["handler_id"]
            checked += 1
    assert checked > 100


def test_a_few_approvals_send_the_dossier_back_for_rework(sample):
    cal = calendar()
    approved = [d for d in with_steps(sample) if d.steps[2]["finished_at"]]
    reworked = [d for d in approved if d.reworks]
    assert 0.01 < len(reworked) / len(approved) < 0.06
    for dossier in reworked:
        (rework,) = dossier.reworks
        assert (rework["step_order"], rework["returned_from_order"]) == (2, 3)
        assert rework["returned_by_id"] == dossier.steps[2]["handler_id"]
        assert rework["reason"] in REWORK_REASONS
        assert dossier.steps[1]["rework_count"] == 1
        assert dossier.steps[1]["started_at"] == rework["at"] < dossier.steps[2]["started_at"]
    assert not any(d.steps[1]["rework_count"] for d in approved if not d.reworks)

    def used(dossier):  # the share of its allowance the dossier took
        fields = dossier.fields
        span = workdays.working_time_between(cal, fields["received_at"], fields["resolved_at"])
        return span / fields["allowance"]

    others = [d for d in approved if not d.reworks]
    assert sum(map(used, reworked)) / len(reworked) > 1.2 * sum(map(used, others)) / len(others)
