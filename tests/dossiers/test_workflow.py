"""Every action from every status: allowed ones succeed, the rest are refused with a reason
and change nothing."""

import ast
from collections import deque
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Status
from dossiers.services import transitions
from dossiers.services.attachments import Upload
from dossiers.services.errors import TransitionError
from dossiers.services.intake import file_online, intake_at_counter
from dossiers.workflow import (
    NATIONAL_CODES,
    SAME,
    TRANSITIONS,
    Action,
    Rule,
    available_actions,
    back_to_requester,
    next_status,
)
from tests.dossiers.conftest import intake

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def perform(action, dossier, actor):
    later = (dossier.appointment_at or dossier.created_at) + timedelta(days=30)
    calls = {
        Action.RECEIVE: lambda: transitions.receive(dossier, actor),
        Action.REFUSE: lambda: transitions.refuse(dossier, actor, "Không đúng thẩm quyền"),
        Action.REQUEST_SUPPLEMENT: lambda: transitions.request_supplement(dossier, actor, "Thiếu"),
        Action.SUPPLEMENT: lambda: transitions.supplement(
            dossier,
            actor,
            "Đã bổ sung",
            [Upload(SimpleUploadedFile("a.pdf", PDF))],
        ),
        Action.TRANSFER: lambda: transitions.transfer(dossier, actor),
        Action.REQUEST_PAYMENT: lambda: transitions.request_payment(dossier, actor),
        Action.CONFIRM_PAYMENT: lambda: transitions.confirm_payment(dossier, actor),
        Action.RESOLVE: lambda: transitions.resolve(dossier, actor),
        Action.RETURN: lambda: transitions.return_result(dossier, actor),
        Action.REQUEST_WITHDRAWAL: lambda: transitions.request_withdrawal(dossier, actor, "Rút"),
        Action.STOP: lambda: transitions.stop(dossier, actor, "Dừng"),
        Action.APOLOGIZE: lambda: transitions.apologize(dossier, actor, "Chậm", later),
        Action.RATE: lambda: transitions.rate(dossier, actor, "satisfied"),
    }
    return calls[action]()


EXPECTED_TARGET = {
    Action.RECEIVE: {"submitted": "received"},
    Action.REFUSE: {"submitted": "refused"},
    Action.REQUEST_SUPPLEMENT: {
        "submitted": "supplement_requested",
        "in_progress": "supplement_requested",
    },
    Action.SUPPLEMENT: {"supplement_requested": "in_progress"},
    Action.TRANSFER: {"received": "in_progress", "in_progress": "in_progress"},
    Action.REQUEST_PAYMENT: {"in_progress": "awaiting_payment"},
    Action.CONFIRM_PAYMENT: {"awaiting_payment": "in_progress"},
    Action.RESOLVE: {"in_progress": "resolved"},
    Action.RETURN: {"resolved": "returned"},
    Action.REQUEST_WITHDRAWAL: {
        s: "withdrawal_requested"
        for s in [
            "submitted",
            "received",
            "in_progress",
            "supplement_requested",
            "awaiting_payment",
        ]
    },
    Action.STOP: {"withdrawal_requested": "stopped", "in_progress": "stopped"},
    Action.APOLOGIZE: {
        s: s for s in ["received", "in_progress", "supplement_requested", "awaiting_payment"]
    },
    Action.RATE: {"returned": "returned"},
}


def test_the_table_is_the_design():
    for action, targets in EXPECTED_TARGET.items():
        assert set(TRANSITIONS[action].sources) == set(targets), action
    assert sorted(NATIONAL_CODES.values()) == list(range(1, 11))


@pytest.mark.parametrize("status", [s.value for s in Status])
@pytest.mark.parametrize("action", list(EXPECTED_TARGET))
def test_every_action_from_every_status(make, world, action, status):
    dossier = make(status)
    events_before = dossier.events.count()
    expected = EXPECTED_TARGET[action].get(status)
    # A superuser may take every action but the rating, which is the applicant's alone.
    actor = world.citizen if action == Action.RATE else world.admin
    if expected is None:
        with pytest.raises(TransitionError) as refused:
            perform(action, dossier, actor)
        assert "không" in refused.value.message.lower() or refused.value.message
        dossier.refresh_from_db()
        assert dossier.status == status
        assert dossier.events.count() == events_before
    else:
        result = perform(action, dossier, actor)
        result.refresh_from_db()
        assert result.status == expected
        assert result.events.count() == events_before + 1
        last = result.events.last()
        assert (last.from_status, last.to_status) == (status, expected)


def test_supplement_before_receipt_goes_back_to_the_desk(make, world):
    dossier = make("submitted")
    dossier = transitions.request_supplement(dossier, world.desk_officer, "Thiếu tờ khai")
    dossier = transitions.supplement(dossier, world.citizen, "Đã bổ sung")
    assert dossier.status == Status.SUBMITTED
    assert dossier.supplement_count == 0  # asked before handling: not counted against us


class TestWhoMayAct:
    def test_desk_officer_receives_only_at_their_own_desk(self, make, world):
        dossier = make("submitted")
        with pytest.raises(TransitionError):
            transitions.receive(dossier, world.other_ward_desk)
        with pytest.raises(TransitionError):
            transitions.receive(dossier, world.citizen)
        assert transitions.receive(dossier, world.desk_officer).status == Status.RECEIVED

    def test_only_the_holding_unit_resolves(self, make, world):
        dossier = make("in_progress")  # with the justice office
        for outsider in (
            world.desk_officer,
            world.ward_specialist,
            world.ward_leader,
            world.citizen,
        ):
            with pytest.raises(TransitionError):
                transitions.resolve(dossier, outsider)
        assert transitions.resolve(dossier, world.specialist).status == Status.RESOLVED

    def test_only_the_applicant_rates(self, make, world):
        dossier = make("returned")
        with pytest.raises(TransitionError):
            transitions.rate(dossier, world.other_citizen, "satisfied")
        transitions.rate(dossier, world.citizen, "very_satisfied", "Nhanh")
        assert dossier.rating.level == "very_satisfied"
        with pytest.raises(TransitionError):
            transitions.rate(dossier, world.citizen, "satisfied")

    def test_available_actions_follow_the_actor(self, make, world):
        dossier = make("in_progress")
        assert Action.RESOLVE in available_actions(dossier, world.specialist)
        assert Action.RESOLVE not in available_actions(dossier, world.desk_officer)
        assert Action.REQUEST_WITHDRAWAL in available_actions(dossier, world.citizen)
        assert available_actions(dossier, world.other_citizen) == []


class TestTheTable:
    """The table covers every status change, creation included."""

    def test_creation_is_in_the_table(self):
        assert {action for action, rule in TRANSITIONS.items() if rule.creates} == {
            Action.FILE_ONLINE,
            Action.INTAKE,
        }
        assert TRANSITIONS[Action.FILE_ONLINE].targets == {Status.SUBMITTED}
        assert TRANSITIONS[Action.INTAKE].targets == {Status.RECEIVED}

    def test_every_status_is_reachable_from_creation(self):
        reached = {t for rule in TRANSITIONS.values() if rule.creates for t in rule.targets}
        waiting = deque(reached)
        while waiting:
            status = waiting.popleft()
            for rule in TRANSITIONS.values():
                if status in rule.sources:
                    for target in rule.targets - {SAME} - reached:
                        reached.add(target)
                        waiting.append(target)
        assert reached == set(Status)

    def test_every_target_is_a_status_or_says_it_keeps_the_status(self):
        for action, rule in TRANSITIONS.items():
            assert rule.targets, action
            assert rule.sources <= set(Status), action
            if SAME in rule.targets:
                assert rule.targets == {SAME}, action
            else:
                assert all(isinstance(target, Status) for target in rule.targets), action
            assert (len(rule.targets) > 1) == (rule.choose is not None), action

    def test_the_actions_that_keep_the_status_say_so(self):
        keeping = {action for action, rule in TRANSITIONS.items() if rule.targets == {SAME}}
        steps = {Action.ASSIGN, Action.COMPLETE_STEP, Action.APPROVE, Action.RETURN_FOR_REWORK}
        assert keeping == {Action.APOLOGIZE, Action.RATE} | steps
        assert next_status(Action.RATE, Status.RETURNED) == Status.RETURNED

    def test_a_supplement_returns_to_where_the_request_came_from(self):
        rule = TRANSITIONS[Action.SUPPLEMENT]
        assert rule.targets == {Status.SUBMITTED, Status.IN_PROGRESS}
        assert rule.choose is back_to_requester
        during, before = (
            SimpleNamespace(during_handling=True),
            SimpleNamespace(during_handling=False),
        )
        assert (
            next_status(Action.SUPPLEMENT, Status.SUPPLEMENT_REQUESTED, during)
            == Status.IN_PROGRESS
        )
        assert (
            next_status(Action.SUPPLEMENT, Status.SUPPLEMENT_REQUESTED, before) == Status.SUBMITTED
        )

    def test_a_rule_with_several_targets_needs_a_choice(self):
        with pytest.raises(ValueError):
            Rule(frozenset(), frozenset({Status.SUBMITTED, Status.RECEIVED}), frozenset())
        with pytest.raises(ValueError):
            Rule(frozenset(), frozenset({SAME, Status.RECEIVED}), frozenset(), back_to_requester)

    def test_only_the_roles_of_the_creating_rules_create(self, world):
        with pytest.raises(TransitionError):
            intake_at_counter(world.specialist, intake(world))
        with pytest.raises(TransitionError):
            file_online(world.desk_officer, intake(world), world.town)
        assert intake_at_counter(world.desk_officer, intake(world)).status == Status.RECEIVED
        assert file_online(world.citizen, intake(world), world.town).status == Status.SUBMITTED


# --- one writer of a dossier's status ------------------------------------------------------

DOSSIERS = Path(__file__).resolve().parents[2] / "dossiers"
THE_WRITER = ("services/transitions.py", "enter_status")
# Calls that store what they are given: ``status=`` there writes a status.
WRITING_CALLS = {"Dossier", "create", "update", "update_or_create", "get_or_create"}


def status_writes(source):
    """(line, enclosing function) of every assignment to a ``status`` attribute, every
    ``setattr(…, "status", …)`` and every ``status=`` (or ``defaults={"status": …}``) given
    to a call that stores rows."""
    found = []

    class Finder(ast.NodeVisitor):
        def __init__(self):
            self.functions = ["<module>"]

        def visit_FunctionDef(self, node):
            self.functions.append(node.name)
            self.generic_visit(node)
            self.functions.pop()

        visit_AsyncFunctionDef = visit_FunctionDef

        def note(self, node):
            found.append((node.lineno, self.functions[-1]))

        def visit_Assign(self, node):
            for target in node.targets:
                self.check_target(target, node)
            self.generic_visit(node)

        def visit_AugAssign(self, node):
            self.check_target(node.target, node)
            self.generic_visit(node)

        visit_AnnAssign = visit_AugAssign

        def check_target(self, target, node):
            if isinstance(target, ast.Tuple | ast.List):
                for element in target.elts:
                    self.check_target(element, node)
            elif isinstance(target, ast.Attribute) and target.attr == "status":
                self.note(node)

        def visit_Call(self, node):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            attribute = node.args[1] if name == "setattr" and len(node.args) > 1 else None
            if isinstance(attribute, ast.Constant) and attribute.value == "status":
                self.note(node)
            if name in WRITING_CALLS and any(self.writes_status(kw) for kw in node.keywords):
                self.note(node)
            self.generic_visit(node)

        @staticmethod
        def writes_status(keyword):
            if keyword.arg == "status":
                return True
            value = keyword.value
            return (
                keyword.arg in {"defaults", "create_defaults"}
                and isinstance(value, ast.Dict)
                and any(
                    isinstance(key, ast.Constant) and key.value == "status" for key in value.keys
                )
            )

    Finder().visit(ast.parse(source))
    return found


def stray_status_writes(root):
    """Every status write under ``root`` (migrations aside) but the one writer's."""
    stray = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "migrations" in path.parts:
            continue
        for line, function in status_writes(path.read_text(encoding="utf-8")):
            if (relative, function) != THE_WRITER:
                stray.append(f"dossiers/{relative}:{line} in {function}()")
    return stray


def test_only_the_one_writer_assigns_a_dossier_status():
    assert (DOSSIERS / THE_WRITER[0]).exists()
    assert stray_status_writes(DOSSIERS) == []


@pytest.mark.parametrize(
    "line",
    [
        "dossier.status = Status.RECEIVED",
        "locked.status, other = Status.IN_PROGRESS, 1",
        "Dossier.objects.filter(pk=1).update(status='returned')",
        "Dossier.objects.create(code='x', status=Status.REFUSED)",
        "Dossier(code='x', status=Status.RECEIVED)",
        "Dossier.objects.update_or_create(code='x', defaults={'status': 'received'})",
        "setattr(dossier, 'status', 'received')",
    ],
)
def test_the_scan_finds_a_stray_status_write(tmp_path, line):
    (tmp_path / "services").mkdir()
    writer = (DOSSIERS / THE_WRITER[0]).read_text(encoding="utf-8")
    (tmp_path / THE_WRITER[0]).write_text(writer, encoding="utf-8")
    (tmp_path / "admin.py").write_text(f"def act(dossier):\n    {line}\n", encoding="utf-8")
    assert stray_status_writes(tmp_path) == ["dossiers/admin.py:2 in act()"]


def test_the_scan_leaves_reads_and_other_statuses_alone(tmp_path):
    source = (
        "status = models.CharField()\n"
        "def view(request):\n"
        "    Dossier.objects.filter(status='received')\n"
        "    return render(request, 'x.html', status=403)\n"
    )
    (tmp_path / "views.py").write_text(source, encoding="utf-8")
    assert stray_status_writes(tmp_path) == []
