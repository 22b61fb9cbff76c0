"""The inside of a generated dossier: its components (one per paper of its procedure) and
its internal steps (the procedure's workflow), planned from the dossier's whole life and
cut at `now` like its events. They draw from a random stream of their own, so adding them
moves none of the dossiers' times, statuses or verdicts."""

import random
from dataclasses import dataclass
from decimal import Decimal

from core import workdays
from core.roles import Role
from dossiers.models import PaperForm
from dossiers.workflow import Action
from procedures.models import Channel

from .rates import CONDITIONAL_PAPER_RATE, SLOW_STEP_RATE, SLOW_STEP_WEIGHT

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
        """The workflow's steps along the planned events, cut at `now`: the desk's step
        from receipt to the transfer, the others sharing the handling time to the
        resolution in proportion to their shares; each due after its share of the
        allowance, moved by the pauses it spans."""
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
            weights = [row["share"] or Decimal(1) for row in later]
            if end > self.now and self.rng.random() < SLOW_STEP_RATE:
                weights[0] *= SLOW_STEP_WEIGHT  # its first step runs long: at risk
            total = sum(weights)
            span = workdays.working_time_between(self.cal, transfer, end)
            for paused, resumed in pauses:  # the steps share the time the clock ran
                if transfer <= paused < end:
                    span -= workdays.working_time_between(self.cal, paused, resumed)
            start, done = transfer, Decimal(0)
            for row, weight in zip(later, weights, strict=True):
                done += weight
                if row is later[-1]:
                    finish = end
                else:
                    finish = self._after(transfer, span * float(done / total), pauses)
                unit, handler = self._holder(row, desk, handling_unit, life.handler_id)
                self._run(row, unit, handler, start, finish, life, pauses)
                if row["role"] == Role.UNIT_LEADER and row["finished_at"]:
                    row["approved_by_id"] = handler
                start = finish
            if stopped:
                later[0]["verdict"] = ""
        return [self._cut(row) for row in rows]

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
        due = workdays.add_working_time(self.cal, start, life.allowance * float(row["share"]) / 100)
        for paused, resumed in pauses:  # those over by now (a wait moves it on resuming)
            if start <= paused and resumed <= self.now and (finish is None or paused < finish):
                due = workdays.resume_due(self.cal, due, paused, resumed)
        row.update(unit_id=unit, handler_id=handler, started_at=start, due_at=due)
        if finish is not None:
            row["finished_at"] = finish
            row["verdict"] = workdays.verdict(self.cal, finish, due).value

    def _cut(self, row):
        if row["finished_at"] is not None and row["finished_at"] > self.now:
            row.update(finished_at=None, verdict="", approved_by_id=None)
        return row


def current_step(steps):
    """The step a dossier is at (started, not finished), or None."""
    return next((s for s in steps if s["started_at"] and not s["finished_at"]), None)
