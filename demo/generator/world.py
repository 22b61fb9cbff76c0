"""The plain references the generator works from: the receiving desks with their
procedures and staff, the demo citizen, the working calendar. No ORM inside, so the tests
build a world by hand and the benchmark's workers inherit it."""

from dataclasses import dataclass, field
from datetime import time

from core import workdays
from procedures.models import Channel

from .rates import TOWN_ON_TIME, WARD_ON_TIME

CHANNELS = tuple(Channel)


@dataclass(frozen=True)
class ProcedureRef:
    id: int
    version_id: int
    online: bool
    # channel -> (amount, limit unit, same-day cut-off), from Procedure.terms_for
    terms: dict
    weight: float = 1.0
    has_fee: bool = False
    papers: tuple = ()  # insides.Paper: the documents and conditions of its dossier
    workflow: tuple = ()  # insides.WorkflowRow: its internal steps


@dataclass(frozen=True)
class Desk:
    """A receiving unit (the town's one-stop desk or a ward) and where its dossiers go."""

    unit_id: int
    code: str
    is_town: bool
    weight: float
    procedures: tuple
    handling_units: dict = field(default_factory=dict)  # procedure id -> handling unit id
    officer_id: int | None = None
    saturday_reception: bool = False

    @property
    def late_rate(self):
        return 1 - (TOWN_ON_TIME if self.is_town else WARD_ON_TIME)

    @property
    def online_procedures(self):
        return tuple(p for p in self.procedures if p.online)


@dataclass(frozen=True)
class Citizen:
    user_id: int
    name: str
    phone: str
    id_number: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class World:
    calendar: workdays.WorkingCalendar
    desks: tuple
    places: tuple  # place names for the applicants' addresses
    specialists: dict = field(default_factory=dict)  # unit id -> user id
    leaders: dict = field(default_factory=dict)  # unit id -> its unit leader's user id
    citizen: Citizen | None = None
    citizen_dossiers: int = 40
    saturday_hours: tuple = (time(8), time(11, 30))


def busiest_procedures(world, count):
    """The ids of the `count` procedures that get most filings: each desk's share of the
    filings spread over its procedures by their weights."""
    volume = {}
    for desk in world.desks:
        total = sum(p.weight for p in desk.procedures)
        for procedure in desk.procedures:
            share = desk.weight * procedure.weight / total
            volume[procedure.id] = volume.get(procedure.id, 0.0) + share
    return sorted(volume, key=lambda pk: (-volume[pk], pk))[:count]
