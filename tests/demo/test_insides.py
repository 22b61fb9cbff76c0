"""The components and internal steps of the generated dossiers: one component per paper,
steps along the simulated events, deterministic, and the dossiers' times untouched."""

from dataclasses import replace
from decimal import Decimal

import pytest

from core import workdays
from core.roles import Role
from demo.generator.filings import DossierGenerator
from demo.generator.insides import Paper, WorkflowRow
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
    assert late < 0.15 * len(handling)


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
    assert [(d.components, d.steps) for d in again] == [(d.components, d.steps) for d in sample]
    plain = generate(inside_world(papers=(), workflow=()))
    moved = {"step_index", "step_due_at", "handler_id"}
    for with_insides, without in zip(sample, plain, strict=True):
        assert with_insides.events == without.events
        kept = {k: v for k, v in with_insides.fields.items() if k not in moved}
        assert kept == {k: v for k, v in without.fields.items() if k not in moved}
