"""Sơn Tây in small for the dashboard and transparency tests: a province, a town with its desk,
a justice office and three wards/communes, a procedure of each level, one user per kind of
reader, and a builder of dossiers at any point of their life.

Import the fixtures into a test module: ``from tests.reform_index.dashboard_fixtures import
clock, sontay  # noqa: F401``.
"""

import random
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine

from core.models import UnitKind
from core.workdays import TZ, Verdict
from dossiers.models import Channel, Dossier, Rating, Satisfaction, Status
from procedures.models import Level, ProcedureVersion
from tests.factories import UnitFactory, UserFactory
from tests.procedures.factories import FieldFactory, ProcedureFactory

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=TZ)  # a Wednesday


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sontay(db):
    province = UnitFactory(code="H26", name="Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    seat = UnitFactory(
        code="H26.45", name="UBND thị xã Sơn Tây", kind=UnitKind.DISTRICT, parent=province
    )
    desk = UnitFactory(code="H26.45.MC", name="Bộ phận Một cửa", kind=UnitKind.CENTRE, parent=seat)
    justice = UnitFactory(
        code="H26.45.TP", name="Phòng Tư pháp", kind=UnitKind.DEPARTMENT, parent=seat
    )
    wards = [
        UnitFactory(code="H26.45.01", name="Phường Lê Lợi", kind=UnitKind.WARD, parent=seat),
        UnitFactory(code="H26.45.02", name="Phường Ngô Quyền", kind=UnitKind.WARD, parent=seat),
        UnitFactory(code="H26.45.03", name="Xã Cổ Đông", kind=UnitKind.COMMUNE, parent=seat),
    ]
    justice_field = FieldFactory(code="tu-phap", name="Tư pháp")
    land_field = FieldFactory(code="dat-dai", name="Đất đai")
    town_procedure = ProcedureFactory(
        code="1.000001", field=land_field, level=Level.DISTRICT, handling_units=[justice]
    )
    desk_procedure = ProcedureFactory(
        code="1.000002", field=land_field, level=Level.DISTRICT, handling_units=[desk]
    )
    ward_procedure = ProcedureFactory(code="1.000003", field=justice_field, handling_units=wards)
    ProcedureFactory(code="1.000004", unpublished=True, handling_units=[justice, *wards])
    return SimpleNamespace(
        province=province,
        seat=seat,
        desk=desk,
        justice=justice,
        wards=wards,
        town_procedure=town_procedure,
        desk_procedure=desk_procedure,
        ward_procedure=ward_procedure,
        leader=UserFactory(username="leader", unit=seat, role="leader"),
        ward_leader=UserFactory(username="wardleader", unit=wards[0], role="unit_leader"),
        index_officer=UserFactory(username="cchc", unit=seat, role="index_officer"),
        desk_officer=UserFactory(username="desk", unit=desk, role="desk_officer"),
        specialist=UserFactory(username="spec", unit=justice, role="specialist"),
        citizen=UserFactory(username="citizen", role="citizen"),
        admin=UserFactory(username="root", is_superuser=True, is_staff=True),
    )


_sequence = iter(range(1, 10**9))


def add_dossier(
    unit,
    procedure,
    received,
    *,
    due=None,
    resolved=None,
    verdict="",
    status=None,
    channel=Channel.COUNTER,
    handler=None,
    handling_unit=None,
    rating=None,
    rated=None,
    apologies=0,
):
    """One dossier as the services would have left it (times aware, verdict given)."""
    version, _created = ProcedureVersion.objects.get_or_create(
        procedure=procedure, number=1, defaults={"snapshot": {}}
    )
    due = due or received + timedelta(days=5)
    if status is None:
        status = Status.RESOLVED if resolved else Status.IN_PROGRESS
    dossier = Dossier.objects.create(
        code=f"{unit.code}-261125-{next(_sequence):04d}",
        procedure=procedure,
        procedure_version=version,
        receiving_unit=unit,
        handling_unit=handling_unit or unit,
        handler=handler,
        applicant_name="Nguyễn Văn An",
        applicant_phone="0912345678",
        channel=channel,
        status=status,
        limit_amount=5,
        limit_unit="working_days",
        submitted_at=received,
        received_at=received,
        due_at=due,
        appointment_at=due,
        resolved_at=resolved,
        verdict=verdict,
        apology_count=apologies,
        allowance=timedelta(hours=40),
    )
    if rating:
        Rating.objects.create(
            dossier=dossier, level=rating, rated_at=rated or (resolved + timedelta(hours=1))
        )
    return dossier


def add_random_dossiers(town, count, seed):
    """``count`` dossiers over the last four months at the town's desk and its wards, in
    every state, some rated: for comparing the dashboard with direct counts."""
    pick = random.Random(seed)
    units = [town.seat, *town.wards]
    procedures = [town.town_procedure, town.desk_procedure, town.ward_procedure]
    levels = [Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.DISSATISFIED]
    for _n in range(count):
        received = NOW - timedelta(days=pick.randint(0, 120), minutes=pick.randint(1, 600))
        due = received + timedelta(days=pick.randint(1, 12))
        handled = received + timedelta(days=pick.randint(0, 15), minutes=pick.randint(0, 500))
        resolved = handled if handled < NOW and pick.random() < 0.8 else None
        verdict = ""
        if resolved:
            verdict = Verdict.EARLY if resolved.date() < due.date() else Verdict.ON_TIME
            verdict = Verdict.LATE if resolved > due else verdict
        rating = pick.choice([None, *levels]) if resolved else None
        add_dossier(
            pick.choice(units),
            pick.choice(procedures),
            received,
            due=due,
            resolved=resolved,
            verdict=verdict,
            status=None if resolved or pick.random() < 0.8 else Status.SUPPLEMENT_REQUESTED,
            channel=pick.choice([Channel.COUNTER, Channel.ONLINE]),
            rating=rating,
            rated=min(NOW, resolved + timedelta(hours=2)) if rating else None,
            apologies=int(verdict == Verdict.LATE and pick.random() < 0.5),
        )


def add_overdue_and_at_risk(town):
    """One dossier past its due time and one due within the hour, both being handled: the
    live lists are never empty (an empty list costs one query less)."""
    ward = town.wards[0]
    add_dossier(ward, town.ward_procedure, NOW - timedelta(days=9), due=NOW - timedelta(days=1))
    add_dossier(ward, town.ward_procedure, NOW - timedelta(days=5), due=NOW + timedelta(hours=1))
