"""The world of the demo town, read from the database: its desks (the town's one-stop
desk and its wards and communes), their staff and the demo citizen, and the published
catalogue with each procedure's popularity and terms."""

import random
from collections import defaultdict
from datetime import datetime

from django.conf import settings

from core import workdays
from core.models import Unit, UnitKind, User
from core.roles import Role
from core.workdays import TZ
from demo.offices import best_office
from demo.town import TOWN
from dossiers.models import service_unit
from procedures.models import (
    DocumentKind,
    Level,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    WorkflowStep,
)
from procedures.search import fold
from procedures.services.versions import current_version

from .insides import Paper, WorkflowRow
from .rates import TOWN_SHARE
from .world import CHANNELS, Citizen, Desk, ProcedureRef, World

DEFAULT_CITIZEN_PHONE = "0912345678"
DEFAULT_CITIZEN_ID = "001090001234"
# Popular procedures get more dossiers (certified copies and civil status above all).
POPULAR_KEYWORDS = (
    ("chung thuc", 8.0),
    ("khai sinh", 4.0),
    ("ket hon", 3.0),
    ("tinh trang hon nhan", 3.0),
    ("khai tu", 2.0),
    ("ho kinh doanh", 2.0),
    ("giay phep xay dung", 2.0),
)
SAMPLE_START = datetime(2026, 1, 5, 9, tzinfo=TZ)


def world_from_database(calendar, seed=0, town_code=TOWN[0], citizen_username="congdan"):
    """The demo town (`demo.town`) with its wards and communes and the published catalogue,
    or None when the town or the catalogue is missing."""
    town = Unit.objects.filter(code=town_code).first()
    procedures = list(
        Procedure.objects.published()
        .select_related("field")
        .prefetch_related("handling_units")
        .order_by("code")
    )
    if town is None or not procedures:
        return None
    children = list(Unit.objects.filter(parent=town).order_by("code"))
    wards = [unit for unit in children if unit.kind in (UnitKind.WARD, UnitKind.COMMUNE)]
    departments = [unit for unit in children if unit.kind == UnitKind.DEPARTMENT]
    rng = random.Random(seed)
    refs = _procedure_refs(procedures, calendar, rng)
    usable = [procedure for procedure in procedures if procedure.pk in refs]
    # The town's desk receives every field's procedures; wards only the commune-level ones.
    ward_refs = [refs[p.pk] for p in usable if p.level == Level.COMMUNE]
    officers, specialists, leaders = _staff()
    town_desk = Desk(
        unit_id=town.pk,
        code=town.code,
        is_town=True,
        weight=TOWN_SHARE if wards else 1.0,
        procedures=tuple(refs.values()),
        handling_units=_town_handling_units(usable, town, departments),
        officer_id=officers.get(town.pk),
        saturday_reception=True,
    )
    ward_weights = [rng.uniform(0.6, 1.4) for _ in wards]
    ward_desks = [
        Desk(
            unit_id=ward.pk,
            code=ward.code,
            is_town=False,
            weight=(1 - TOWN_SHARE) * weight / sum(ward_weights),
            procedures=tuple(ward_refs or refs.values()),
            officer_id=officers.get(ward.pk),
        )
        for ward, weight in zip(wards, ward_weights, strict=True)
    ]
    return World(
        calendar=calendar,
        desks=(town_desk, *ward_desks),
        places=tuple(ward.name for ward in wards) or (town.name,),
        specialists=specialists,
        leaders=leaders,
        citizen=_citizen(citizen_username, wards),
        saturday_hours=workdays.parse_periods(settings.ONESTOP_SATURDAY_RECEPTION)[0],
    )


def _procedure_refs(procedures, calendar, rng):
    """{procedure id: ProcedureRef} of the procedures whose terms give a due time."""
    versions = _versions(procedures)
    papers, workflows = _insides(procedures)
    order = list(procedures)
    rng.shuffle(order)  # the popularity rank: a seeded shuffle, boosted by the keywords
    refs = {}
    for rank, procedure in enumerate(order):
        terms = {channel: procedure.terms_for(channel) for channel in CHANNELS}
        if not all(_gives_a_due_time(calendar, *term) for term in terms.values()):
            continue
        name = fold(procedure.name)
        boost = max([b for word, b in POPULAR_KEYWORDS if word in name], default=1.0)
        refs[procedure.pk] = ProcedureRef(
            id=procedure.pk,
            version_id=versions[procedure.pk],
            online=procedure.is_online,
            terms=terms,
            weight=boost / (rank + 3),
            has_fee=procedure.fee_amount > 0,
            papers=papers.get(procedure.pk, ()),
            workflow=workflows.get(procedure.pk, ()),
        )
    return refs


def _insides(procedures):
    """({procedure id: its papers}, {procedure id: its workflow}) in catalogue order."""
    papers, workflows = defaultdict(tuple), defaultdict(tuple)
    documents = RequiredDocument.objects.filter(procedure__in=procedures).exclude(
        kind=DocumentKind.NOTE
    )
    for doc in documents.order_by("procedure_id", "order", "pk"):
        papers[doc.procedure_id] += (
            Paper(doc.pk, doc.name, doc.case, doc.is_required, doc.originals, doc.copies),
        )
    steps = WorkflowStep.objects.filter(procedure__in=procedures)
    for step in steps.order_by("procedure_id", "order", "pk"):
        workflows[step.procedure_id] += (
            WorkflowRow(step.name[:300], step.unit_id, step.role, step.share),
        )
    return papers, workflows


def _gives_a_due_time(calendar, amount, unit, cutoff):
    try:
        workdays.compute_due(calendar, SAMPLE_START, amount, unit, cutoff)
    except ValueError:
        return False
    return True


def _versions(procedures):
    """The current version of each procedure (the catalogue creates it when missing)."""
    latest = dict(
        ProcedureVersion.objects.filter(procedure__in=procedures)
        .order_by("procedure_id", "number")
        .values_list("procedure_id", "pk")
    )
    for procedure in procedures:
        if procedure.pk not in latest:
            latest[procedure.pk] = current_version(procedure).pk
    return latest


def _town_handling_units(procedures, town, departments):
    """{procedure id: unit id} for the town desk's dossiers: the town office the catalogue
    links, else the office of the procedure's field, else the town itself."""
    department_ids = {unit.pk for unit in departments}
    units = {}
    for procedure in procedures:
        linked = [u.pk for u in procedure.handling_units.all() if u.pk in department_ids]
        office = best_office(procedure.field.name, departments)
        units[procedure.pk] = linked[0] if linked else office.pk if office else town.pk
    return units


def _staff():
    """({service unit id: desk officer id}, {unit id: specialist id}, {unit id: unit
    leader id, None: the first leader}), first user wins."""
    officers, specialists, leaders = {}, {}, {}
    staff = User.objects.filter(is_active=True, unit__isnull=False).select_related("unit__parent")
    for user in staff.prefetch_related("groups").order_by("pk"):
        roles = {group.name for group in user.groups.all()}
        if Role.DESK_OFFICER in roles:
            officers.setdefault(service_unit(user.unit).pk, user.pk)
        if Role.SPECIALIST in roles:
            specialists.setdefault(user.unit_id, user.pk)
        if Role.UNIT_LEADER in roles:
            leaders.setdefault(user.unit_id, user.pk)
        if roles & {Role.UNIT_LEADER, Role.LEADER}:
            leaders.setdefault(None, user.pk)
    return officers, specialists, leaders


def _citizen(username, wards):
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        return None
    return Citizen(
        user_id=user.pk,
        name=user.get_full_name() or user.username,
        phone=user.phone or DEFAULT_CITIZEN_PHONE,
        id_number=user.id_number or DEFAULT_CITIZEN_ID,
        email=user.email,
        address=user.address or (f"Số 12, tổ 3, {wards[0].name}" if wards else ""),
    )
