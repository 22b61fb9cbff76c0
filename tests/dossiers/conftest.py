"""A small town for dossier tests: a province, a town with its one-stop desk and justice
office, and a ward, with one user per role."""

from datetime import datetime
from types import SimpleNamespace

import pytest
import time_machine

from core.models import UnitKind
from core.workdays import TZ
from dossiers import services
from procedures.models import OnlineLevel
from tests.factories import UnitFactory, UserFactory
from tests.procedures.factories import ProcedureFactory

MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)


@pytest.fixture
def clock():
    """Monday 23/11/2026 09:00, the day before Culture Day; tests move it with .shift()."""
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def org(db):
    province = UnitFactory(code="H26", name="Hà Nội", kind=UnitKind.PROVINCE)
    town = UnitFactory(
        code="H26.45", name="Thị xã Sơn Tây", kind=UnitKind.DISTRICT, parent=province
    )
    desk = UnitFactory(code="H26.45.MC", name="Một cửa", kind=UnitKind.CENTRE, parent=town)
    justice = UnitFactory(
        code="H26.45.TP", name="Phòng Tư pháp", kind=UnitKind.DEPARTMENT, parent=town
    )
    ward = UnitFactory(code="H26.45.01", name="Phường Lê Lợi", kind=UnitKind.WARD, parent=town)
    other_ward = UnitFactory(
        code="H26.45.02", name="Phường Ngô Quyền", kind=UnitKind.WARD, parent=town
    )
    procedure = ProcedureFactory(
        code="1.001193",
        name="Đăng ký khai sinh",
        time_limit_amount=3,
        time_limit_unit="working_days",
        online_level=OnlineLevel.FULL,
    )
    return SimpleNamespace(
        province=province,
        town=town,
        desk=desk,
        justice=justice,
        ward=ward,
        other_ward=other_ward,
        procedure=procedure,
        desk_officer=UserFactory(username="desk", unit=desk, role="desk_officer"),
        specialist=UserFactory(username="spec", unit=justice, role="specialist"),
        ward_desk=UserFactory(username="warddesk", unit=ward, role="desk_officer"),
        ward_specialist=UserFactory(username="wardspec", unit=ward, role="specialist"),
        ward_leader=UserFactory(username="wardlead", unit=ward, role="unit_leader"),
        other_ward_desk=UserFactory(username="otherdesk", unit=other_ward, role="desk_officer"),
        leader=UserFactory(username="leader", unit=town, role="leader"),
        citizen=UserFactory(username="citizen", role="citizen", phone="0912345678"),
        other_citizen=UserFactory(username="citizen2", role="citizen"),
        admin=UserFactory(username="root", is_superuser=True, is_staff=True),
    )


def applicant(**overrides):
    data = {
        "name": "Nguyễn Văn An",
        "phone": "0912345678",
        "id_number": "001090000001",
        "email": "an@example.vn",
        "address": "Phường Lê Lợi",
    }
    return services.Applicant(**{**data, **overrides})


def intake(org, **overrides):
    return services.Intake(
        procedure=overrides.pop("procedure", org.procedure),
        applicant=applicant(**overrides),
        summary="Khai sinh cho con",
    )


@pytest.fixture
def make(org, clock):
    """make(status) drives a dossier through the services to ``status`` at the town desk."""

    def build(status):
        admin = org.admin
        if status in {"submitted", "refused"}:
            dossier = services.file_online(org.citizen, intake(org), org.town)
            if status == "refused":
                dossier = services.refuse(dossier, admin, "Sai thủ tục")
            return dossier
        dossier = services.intake_at_counter(
            org.desk_officer, intake(org), applicant_user=org.citizen
        )
        if status == "received":
            return dossier
        dossier = services.transfer(dossier, admin, to_unit=org.justice)
        follow_up = {
            "in_progress": lambda d: d,
            "supplement_requested": lambda d: services.request_supplement(d, admin, "Thiếu"),
            "awaiting_payment": lambda d: services.request_payment(d, admin),
            "withdrawal_requested": lambda d: services.request_withdrawal(d, admin, "Rút"),
            "stopped": lambda d: services.stop(d, admin, "Dừng"),
            "resolved": lambda d: services.resolve(d, admin),
            "returned": lambda d: services.return_result(services.resolve(d, admin), admin),
        }
        return follow_up[status](dossier)

    return build
