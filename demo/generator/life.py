"""One dossier's rows as the generator plans them: its whole life of events, cut at `now`,
and the tally of what was generated."""

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from core import workdays
from core.workdays import Verdict
from dossiers.models import Status
from dossiers.workflow import Action

# The keys of the side rows, in the order the generator fills them.
SUPPLEMENT_KEYS = (
    "requested_by_id",
    "requested_at",
    "reason",
    "during_handling",
    "fulfilled_at",
    "fulfilled_note",
)
APOLOGY_KEYS = (
    "issued_by_id",
    "issued_at",
    "reason",
    "previous_appointment_at",
    "new_appointment_at",
)
RATING_KEYS = ("level", "comment", "rated_at")


@dataclass(slots=True)
class GeneratedDossier:
    """One dossier's rows, keyed by model attribute names; the consumer links them."""

    fields: dict
    events: list
    supplements: list
    apology: dict | None
    rating: dict | None
    is_town: bool
    components: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    reworks: list = field(default_factory=list)  # by step order, see Insides._log_turn


@dataclass
class Tally:
    """What was generated, for the progress report and the tests."""

    statuses: Counter = field(default_factory=Counter)
    channels: Counter = field(default_factory=Counter)
    finished: Counter = field(default_factory=Counter)  # by is_town
    in_time: Counter = field(default_factory=Counter)
    events: int = 0
    steps: int = 0
    reworks: int = 0

    def add(self, dossier):
        fields = dossier.fields
        self.statuses[fields["status"]] += 1
        self.channels[fields["channel"]] += 1
        self.events += len(dossier.events)
        self.steps += len(dossier.steps)
        self.reworks += len(dossier.reworks)
        if fields["verdict"]:
            self.finished[dossier.is_town] += 1
            self.in_time[dossier.is_town] += fields["verdict"] != Verdict.LATE

    def on_time_rate(self, is_town):
        finished = self.finished[is_town]
        return 100 * self.in_time[is_town] / finished if finished else None

    @property
    def total(self):
        return sum(self.statuses.values())


class Life:
    """The planned events of one dossier; `finish` cuts them at `now` and derives the
    dossier's fields from what already happened."""

    def __init__(self, fields, is_town):
        self.fields, self.is_town = fields, is_town
        self.events, self.supplements = [], []
        self.apology = self.rating = None
        self.status, self.unit, self.due = "", None, None
        self.allowance = self.handler_id = None
        self.step_events, self.reworks = [], []  # from the steps (demo.generator.insides)

    def step(self, action, at, actor, to_status=None, to_unit=None, note=""):
        from_status, from_unit = self.status, self.unit
        self.status = to_status or self.status
        self.unit = to_unit or self.unit
        self.events.append(
            {
                "action": action.value,
                "actor_id": actor,
                "at": at,
                "from_status": from_status,
                "to_status": self.status,
                "from_unit_id": from_unit,
                "to_unit_id": self.unit,
                "note": note,
                "due_at": self.due,
                "step_name": "",
                "step_due_at": None,
            }
        )

    def finish(self, now, cal):
        events = [event for event in _merged(self.events, self.step_events) if event["at"] <= now]
        last = events[-1]
        at = {event["action"]: event["at"] for event in events}
        status = last["to_status"]
        supplements = [s for s in self.supplements if s["requested_at"] <= now]
        for request in supplements:
            if request["fulfilled_at"] > now:
                request.update(fulfilled_at=None, fulfilled_note="")
        apology = self.apology if self.apology and self.apology["issued_at"] <= now else None
        rating = self.rating if self.rating and self.rating["rated_at"] <= now else None
        received_at = at.get(Action.RECEIVE) or at.get(Action.INTAKE)
        resolved_at = at.get(Action.RESOLVE)
        due_at = last["due_at"]
        transferred = Action.TRANSFER in at
        self.fields.update(
            handling_unit_id=last["to_unit_id"],
            handler_id=self.handler_id if transferred else None,
            status=status,
            received_at=received_at,
            due_at=due_at,
            appointment_at=apology["new_appointment_at"] if apology else due_at,
            paused_at=last["at"] if status in PAUSED_STATUSES else None,
            resolved_at=resolved_at,
            returned_at=at.get(Action.RETURN),
            closed_at=at.get(Action.RETURN) or at.get(Action.REFUSE) or at.get(Action.STOP),
            verdict=_verdict(cal, resolved_at, due_at, len(supplements)) if resolved_at else "",
            supplement_count=len(supplements),
            apology_count=1 if apology else 0,
            allowance=self.allowance if received_at else None,
            step_index=1 if transferred else 0,
            updated_at=last["at"],
        )
        dossier = GeneratedDossier(self.fields, events, supplements, apology, rating, self.is_town)
        dossier.reworks = [row for row in self.reworks if row["at"] <= now]
        return dossier


def _merged(events, step_events):
    """The life's events with the step actions' in time order (a step action after an
    event of the same instant), each step action with the dossier's due time then."""
    if not step_events:
        return events
    merged = sorted([*events, *step_events], key=lambda event: event["at"])
    actions = {id(event) for event in step_events}
    for before, event in pairwise(merged):
        if id(event) in actions:
            event["due_at"] = before["due_at"]
    return merged


PAUSED_STATUSES = frozenset({Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT})


def _verdict(cal, resolved_at, due_at, supplement_count):
    """The rule of dossiers.services.clock.judge: more than one supplement request makes
    it late."""
    if supplement_count > 1:
        return Verdict.LATE.value
    return workdays.verdict(cal, resolved_at, due_at).value
