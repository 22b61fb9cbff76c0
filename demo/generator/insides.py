"""The inside of a generated dossier: its components (one per paper of its procedure) and
its internal steps (the procedure's workflow) with their handlers, the events the step
actions log and the returns for rework, planned from the dossier's whole life and cut at
`now` like its events. They draw from a random stream of their own, so adding them moves
none of the dossiers' times, statuses or verdicts."""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from core import workdays
from core.roles import Role
from dossiers.models import PaperForm, Status
from dossiers.workflow import Action
from procedures.models import Channel

from .rates import (
    CONDITIONAL_PAPER_RATE,
    LATE_STEP_OVERRUN,
    LATE_STEP_RATE,
    REWORK_MIN_SPAN,
    REWORK_RATE,
    SLOW_STEP_RATE,
    SLOW_STEP_WEIGHT,
)

# The keys of the rows, in the order they are filled (the COPY writer's column order).
COMPONENT_KEYS = (
    "document_id",
    "name",
    "case",
    "required",
    "order",
    "handed_over",
    "form",
    "count",
    "digitised",
    "reused",
)
STEP_KEYS = (
    "order",
    "name",
    "unit_id",
    "role",
    "share",
    "handler_id",
    "started_at",
    "due_at",
    "finished_at",
    "verdict",
    "approved_by_id",
    "rework_count",
)
PAUSES = {Action.REQUEST_SUPPLEMENT.value, Action.REQUEST_PAYMENT.value}
# A turn kept within its step's budget ends this much before its due time, so that the
# rounding of working time never makes it late.
BUDGET_MARGIN = 0.999
REWORK_REASONS = (
    "Dự thảo kết quả ghi chưa đúng thông tin người yêu cầu, đề nghị chỉnh sửa.",
    "Đề nghị bổ sung căn cứ pháp lý trong tờ trình.",
    "Cần xác minh lại hiện trạng trước khi trình ký.",
)


@dataclass(frozen=True)
class Paper:
    """A document or condition of a procedure's dossier, as the catalogue states it."""

    document_id: int
    name: str
    case: str = ""
    required: bool = True
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True)
class WorkflowRow:
    name: str
    unit_id: int | None
    role: str
    share: Decimal


class Insides:
    """Plans the components and steps of each dossier the life simulation makes."""

    def __init__(self, world, now, cal, seed):
        self.world, self.now, self.cal = world, now, cal
        self.rng = random.Random(f"insides:{seed}")

    def components(self, procedure, channel):
        """Required papers handed over, a few conditional ones too; the catalogue's form and
        count at the counter, electronic copies (digitised) online."""
        online = channel == Channel.ONLINE
        rows = []
        for order, paper in enumerate(procedure.papers):
            handed = paper.required or self.rng.random() < CONDITIONAL_PAPER_RATE
            if online:
                form = PaperForm.COPY.value
            else:
                form = PaperForm.ORIGINAL.value if paper.originals else PaperForm.COPY.value
            rows.append(
                {
                    "document_id": paper.document_id,
                    "name": paper.name,
                    "case": paper.case,
                    "required": paper.required,
                    "order": order,
                    "handed_over": handed,
                    "form": form,
                    "count": paper.originals or paper.copies or 1,
                    "digitised": online and handed,
                    "reused": False,
                }
            )
        return rows

    def steps(self, life, desk, procedure):
        """The workflow's steps along the planned events, cut at `now`, with the events the
        step actions log (`life.step_events`) and the returns for rework (`life.reworks`).
        The desk's step runs from receipt to the transfer; the others share the handling
        time to the resolution (`_durations`), each due after its share of the allowance,
        moved by the pauses it spans; a few approvals send the dossier back once."""
        if not procedure.workflow or life.allowance is None:
            return []
        at = {}
        pauses = []
        for event, following in zip(life.events, [*life.events[1:], None], strict=True):
            at.setdefault(event["action"], event["at"])
            if event["action"] in PAUSES and following is not None:
                pauses.append((event["at"], following["at"]))
        received = at.get(Action.RECEIVE.value) or at.get(Action.INTAKE.value)
        transfer = at.get(Action.TRANSFER.value)
        end = at.get(Action.RESOLVE.value) or at.get(Action.STOP.value)
        stopped = Action.RESOLVE.value not in at
        handling_unit = next(
            (e["to_unit_id"] for e in life.events if e["action"] == Action.TRANSFER.value),
            desk.unit_id,
        )
        rows = [self._row(position, step) for position, step in enumerate(procedure.workflow, 1)]
        later = rows
        if rows[0]["role"] == Role.DESK_OFFICER:
            self._run(rows[0], desk.unit_id, desk.officer_id, received, transfer, life, pauses)
            later = rows[1:]
        if later and transfer is not None and end is not None:
            if stopped:  # the step at hand closes with the dossier, unjudged
                later = later[:1]
            span = workdays.working_time_between(self.cal, transfer, end)
            for paused, resumed in pauses:  # the steps share the time the clock ran
                if transfer <= paused < end:
                    span -= workdays.working_time_between(self.cal, paused, resumed)
            turns = self._turns(later, life.allowance, span, stopped)
            durations = self._durations(turns, life.allowance, span, end > self.now)
            start, done = transfer, timedelta(0)
            for position, (row, _weight) in enumerate(turns):
                done += durations[position]
                last = position == len(turns) - 1
                finish = end if last else self._after(transfer, done, pauses)
                unit, handler = self._holder(row, desk, handling_unit, life.handler_id)
                if start <= self.now:
                    self._log_turn(life, turns[position - 1][0] if position else None, row, start)
                self._run(row, unit, handler, start, finish, life, pauses)
                if row["role"] == Role.UNIT_LEADER and row["finished_at"]:
                    row["approved_by_id"] = handler
                start = finish
            if stopped:
                later[0]["verdict"] = ""
        return [self._cut(row) for row in rows]

    def _turns(self, later, allowance, span, stopped):
        """(row, weight) of each turn of the steps after the transfer: each step once, or,
        when its approval sends the dossier back for rework, the work step and the
        approval twice. Only dossiers that took most of their time are sent back, so the
        reworked ones are among the slow."""
        turns = [(row, row["share"] or Decimal(1)) for row in later]
        roles = [row["role"] for row in later]
        if stopped or Role.UNIT_LEADER not in roles[1:]:
            return turns
        budgets = sum((allowance * float(row["share"]) / 100 for row in later), timedelta(0))
        if span < REWORK_MIN_SPAN * budgets or self.rng.random() >= REWORK_RATE:
            return turns
        approval = roles.index(Role.UNIT_LEADER, 1)
        (work, work_weight), (leader, leader_weight) = turns[approval - 1 : approval + 1]
        again = [
            (work, work_weight * Decimal("0.6")),
            (leader, leader_weight * Decimal("0.3")),
            (work, work_weight * Decimal("0.4")),
            (leader, leader_weight * Decimal("0.7")),
        ]
        return [*turns[: approval - 1], *again, *turns[approval + 1 :]]

    def _durations(self, turns, allowance, span, open_at_now):
        """The working time of each turn, summing to `span`, shared by the weights. The
        turns after the first keep within their step's budget, the first (the
        specialist's review) takes what is left, over its budget only when the dossier
        used nearly all its time. Of the dossiers still open, some first turns run long
        (at risk); of the others, a few overrun their budget, the dossier keeping its
        time."""
        weights = [weight for _row, weight in turns]
        budgets = [allowance * float(row["share"]) / 100 for row, _weight in turns]
        if open_at_now and self.rng.random() < SLOW_STEP_RATE:
            weights[0] *= SLOW_STEP_WEIGHT
            total = sum(weights)
            return [span * float(weight / total) for weight in weights]
        total = sum(weights)
        rest = [
            min(span * float(weight / total), budget * BUDGET_MARGIN)
            for weight, budget in zip(weights[1:], budgets[1:], strict=True)
        ]
        first = span - sum(rest, timedelta(0))
        if rest and self.rng.random() < LATE_STEP_RATE:
            overrun = budgets[0] * self.rng.uniform(*LATE_STEP_OVERRUN)
            if first < overrun < span:
                scale = (span - overrun) / (span - first)
                return [overrun, *(duration * scale for duration in rest)]
        return [first, *rest]

    def _log_turn(self, life, done, following, at):
        """The event of the action that starts `following` at `at`, naming it and its due
        time: the transfer (logged already) when it is the first, else the action ending
        `done`: the work step completed, the approval given, or the dossier returned for
        rework (recorded with its reason)."""
        step = {"step_name": following["name"], "step_due_at": self._due(at, following, life)}
        if done is None:
            transfer = next(e for e in life.events if e["action"] == Action.TRANSFER.value)
            transfer.update(step)
            return
        if done["role"] != Role.UNIT_LEADER:
            action, note = Action.COMPLETE_STEP, ""
        elif following["order"] > done["order"]:
            action, note = Action.APPROVE, ""
        else:
            action, note = Action.RETURN_FOR_REWORK, self.rng.choice(REWORK_REASONS)
            following["rework_count"] += 1
            life.reworks.append(
                {
                    "step_order": following["order"],
                    "returned_from_order": done["order"],
                    "returned_by_id": done["handler_id"],
                    "at": at,
                    "reason": note,
                }
            )
            done.update(
                started_at=None, due_at=None, finished_at=None, verdict="", approved_by_id=None
            )
        unit = life.events[-1]["to_unit_id"]
        life.step_events.append(
            {
                "action": action.value,
                "actor_id": done["handler_id"],
                "at": at,
                "from_status": Status.IN_PROGRESS.value,
                "to_status": Status.IN_PROGRESS.value,
                "from_unit_id": unit,
                "to_unit_id": unit,
                "note": note,
                "due_at": None,  # the dossier's, filled in when the events are merged
                **step,
            }
        )

    def _holder(self, row, desk, handling_unit, specialist):
        """(unit, handler) of a step: the desk's officer for a desk step, the unit leader
        (else the town's) for an approval, the dossier's specialist otherwise."""
        if row["role"] == Role.DESK_OFFICER:
            return row["unit_id"] or desk.unit_id, desk.officer_id
        unit = row["unit_id"] or handling_unit
        if row["role"] == Role.UNIT_LEADER:
            leaders = self.world.leaders
            return unit, leaders.get(unit) or leaders.get(desk.unit_id) or leaders.get(None)
        return unit, specialist

    def _row(self, position, step):
        row = dict.fromkeys(STEP_KEYS)
        row.update(
            order=position,
            name=step.name,
            unit_id=step.unit_id,
            role=step.role,
            share=step.share,
            verdict="",
            rework_count=0,
        )
        return row

    def _after(self, start, running, pauses):
        """The instant `running` working time of a running clock after `start`."""
        at = workdays.add_working_time(self.cal, start, running)
        for paused, resumed in pauses:
            if start <= paused < at:
                at = workdays.resume_due(self.cal, at, paused, resumed)
        return at

    def _run(self, row, unit, handler, start, finish, life, pauses):
        if start is None or start > self.now:
            return
        due = self._due(start, row, life)
        for paused, resumed in pauses:  # those over by now (a wait moves it on resuming)
            if start <= paused and resumed <= self.now and (finish is None or paused < finish):
                due = workdays.resume_due(self.cal, due, paused, resumed)
        row.update(unit_id=unit, handler_id=handler, started_at=start, due_at=due)
        if finish is not None:
            row["finished_at"] = finish
            row["verdict"] = workdays.verdict(self.cal, finish, due).value

    def _due(self, start, row, life):
        """The due time of a step started at `start`: its share of the allowance later."""
        budget = life.allowance * float(row["share"]) / 100
        return workdays.add_working_time(self.cal, start, budget)

    def _cut(self, row):
        if row["finished_at"] is not None and row["finished_at"] > self.now:
            row.update(finished_at=None, verdict="", approved_by_id=None)
        return row


def current_step(steps):
    """The step a dossier is at (started, not finished), or None."""
    return next((s for s in steps if s["started_at"] and not s["finished_at"]), None)
