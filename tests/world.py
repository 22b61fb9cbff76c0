"""The one small world every test builds on: Sơn Tây in small, and one fixed moment.

- The province H26 oversees two towns: "own" H26.45 (Sơn Tây) with its one-stop desk
  H26.45.MC, justice office H26.45.TP, wards H26.45.01, H26.45.02 and commune H26.45.03;
  and "other" H26.46 (Ba Vì) with its desk and justice office.
- One person per role (``World`` names them; ``world.users`` by user name), all with the
  password ``PASSWORD``; the province's leader and index officer oversee both towns.
- The catalogue: birth registration (fully online, three working days, handled by either
  town) and, for the dashboards, a procedure of each level in two fields.

``tests.conftest`` exposes it as the ``world`` and ``clock`` fixtures; ``build_world()``
serves the tests that build outside a test's transaction (the live server, fuzzing).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial

from core.models import UnitKind
from core.roles import Role
from core.workdays import TZ
from demo.certificates import ensure_demo_keys
from dossiers.applicants import Applicant
from dossiers.services import transitions
from dossiers.services.attachments import Upload
from dossiers.services.intake import Intake, file_online, intake_at_counter
from procedures.models import Level, OnlineLevel, Procedure, WorkflowStep
from tests.factories import UnitFactory, UserFactory
from tests.procedures.factories import FieldFactory, ProcedureFactory, RequiredDocumentFactory
from tests.samples import pdf_upload, png_upload

# Monday 23/11/2026 09:00, the day before Culture Day (a holiday): a fixed working day.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
PASSWORD = "Secret-pass-123"
CITIZEN_PHONE = "0912345678"
OTHER_CITIZEN_PHONE = "0987654321"
BIRTH_REGISTRATION = "1.001193"

# (attribute, user name, role, unit attribute, extra fields)
PEOPLE = (
    ("citizen", "citizen", "citizen", None, {"phone": CITIZEN_PHONE}),
    ("other_citizen", "citizen2", "citizen", None, {"phone": OTHER_CITIZEN_PHONE}),
    ("desk_officer", "desk", "desk_officer", "desk", {}),
    ("specialist", "spec", "specialist", "justice", {}),
    ("unit_leader", "uleader", "unit_leader", "town", {}),
    ("leader", "leader", "leader", "town", {}),
    ("index_officer", "cchc", "index_officer", "town", {}),
    ("ward_desk", "warddesk", "desk_officer", "ward", {}),
    ("ward_specialist", "wardspec", "specialist", "ward", {}),
    ("ward_leader", "wardlead", "unit_leader", "ward", {}),
    ("other_ward_desk", "otherdesk", "desk_officer", "other_ward", {}),
    ("other_ward_leader", "otherlead", "unit_leader", "other_ward", {}),
    ("other_desk_officer", "desk2", "desk_officer", "other_desk", {}),
    ("other_specialist", "spec2", "specialist", "other_justice", {}),
    ("other_unit_leader", "uleader2", "unit_leader", "other_town", {}),
    ("province_leader", "pleader", "leader", "province", {}),
    ("province_index_officer", "index", "index_officer", "province", {}),
)

# The columns of the authorization matrix (tests.security) and who plays each.
ROLES = {
    "citizen": "citizen",
    "citizen2": "other_citizen",
    "desk": "desk_officer",
    "desk2": "other_desk_officer",
    "spec": "specialist",
    "spec2": "other_specialist",
    "uleader": "unit_leader",
    "uleader2": "other_unit_leader",
    "leader": "province_leader",
    "index": "province_index_officer",
    "admin": "admin",
}


@dataclass
class World:
    province: object
    town: object
    desk: object
    justice: object
    wards: list
    other_town: object
    other_desk: object
    other_justice: object
    users: dict = field(default_factory=dict)
    dossiers: dict = field(default_factory=dict)

    @property
    def ward(self):
        return self.wards[0]

    @property
    def other_ward(self):
        return self.wards[1]

    @property
    def roles(self):
        """The matrix's role keys to their people."""
        return {key: getattr(self, attribute) for key, attribute in ROLES.items()}

    def codes(self):
        return {key: dossier.code for key, dossier in self.dossiers.items()}


def build_units():
    province = UnitFactory(code="H26", name="Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    units = {"province": province}
    for key, code, name in (("town", "H26.45", "Thị xã Sơn Tây"), ("other", "H26.46", "Ba Vì")):
        town = UnitFactory(code=code, name=name, kind=UnitKind.DISTRICT, parent=province)
        units[key] = town
        units[f"{key}_desk"] = UnitFactory(
            code=f"{code}.MC", name="Bộ phận Một cửa", kind=UnitKind.CENTRE, parent=town
        )
        units[f"{key}_justice"] = UnitFactory(
            code=f"{code}.TP", name="Phòng Tư pháp", kind=UnitKind.DEPARTMENT, parent=town
        )
    town = units["town"]
    units["wards"] = [
        UnitFactory(code="H26.45.01", name="Phường Lê Lợi", kind=UnitKind.WARD, parent=town),
        UnitFactory(code="H26.45.02", name="Phường Ngô Quyền", kind=UnitKind.WARD, parent=town),
        UnitFactory(code="H26.45.03", name="Xã Cổ Đông", kind=UnitKind.COMMUNE, parent=town),
    ]
    return units


def birth_registration(units):
    """The birth registration procedure, fully online, filed at either town."""
    procedure = ProcedureFactory(
        code=BIRTH_REGISTRATION,
        name="Đăng ký khai sinh",
        time_limit_amount=Decimal(3),
        time_limit_unit="working_days",
        online_level=OnlineLevel.FULL,
        handling_units=[units["town"], units["other"]],
    )
    RequiredDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh", order=1)
    RequiredDocumentFactory(procedure=procedure, name="Giấy chứng sinh", order=2)
    return procedure


def add_catalogue(world):
    """Birth registration, and a procedure of each level in two fields (a town one handled by
    the justice office, one by the desk, a ward one, and an unpublished one)."""
    units = {"town": world.town, "other": world.other_town}
    world.procedure = birth_registration(units)
    justice_field = FieldFactory(code="tu-phap", name="Tư pháp")
    land_field = FieldFactory(code="dat-dai", name="Đất đai")
    world.town_procedure = ProcedureFactory(
        code="1.000001", field=land_field, level=Level.DISTRICT, handling_units=[world.justice]
    )
    world.desk_procedure = ProcedureFactory(
        code="1.000002", field=land_field, level=Level.DISTRICT, handling_units=[world.desk]
    )
    world.ward_procedure = ProcedureFactory(
        code="1.000003", field=justice_field, handling_units=world.wards
    )
    ProcedureFactory(
        code="1.000004", unpublished=True, handling_units=[world.justice, *world.wards]
    )


def add_people(world):
    for attribute, username, role, unit, extra in PEOPLE:
        person = UserFactory(
            username=username,
            password=PASSWORD,
            role=role,
            unit=getattr(world, unit) if unit else None,
            **extra,
        )
        setattr(world, attribute, person)
        world.users[username] = person
    world.admin = UserFactory(username="root", password=PASSWORD, is_superuser=True, is_staff=True)
    world.users["root"] = world.admin


def build_world():
    units = build_units()
    world = World(
        province=units["province"],
        town=units["town"],
        desk=units["town_desk"],
        justice=units["town_justice"],
        wards=units["wards"],
        other_town=units["other"],
        other_desk=units["other_desk"],
        other_justice=units["other_justice"],
    )
    add_people(world)
    add_catalogue(world)
    return world


def applicant_of(**fields):
    """An, the citizen, as an applicant, with ``fields`` changed."""
    defaults = {
        "name": "Nguyễn Văn An",
        "phone": CITIZEN_PHONE,
        "id_number": "001090000001",
        "email": "an@example.vn",
        "address": "Phường Lê Lợi",
    }
    return Applicant(**{**defaults, **fields})


def intake_of(procedure, uploads=(), **applicant):
    """What An brings to file ``procedure``: the form, and ``uploads`` as the files."""
    return Intake(
        procedure=procedure,
        applicant=applicant_of(**applicant),
        summary="Khai sinh cho con",
        uploads=[Upload(upload) for upload in uploads],
    )


def counter_checklist(code="1.001193"):
    """The counter intake page's checklist rows as posted once shown: every paper of the
    procedure handed over in its usual form."""
    procedure = Procedure.objects.get(code=code)
    rows = {"checklist_for": str(procedure.pk)}
    for paper in procedure.documents.exclude(kind="note"):
        rows[f"doc_{paper.pk}_handed"] = "on"
        rows[f"doc_{paper.pk}_form"] = "original" if paper.originals else "copy"
        rows[f"doc_{paper.pk}_count"] = str(paper.originals or paper.copies or 1)
    return rows


def add_citizen_dossiers(world):
    """The citizen's dossiers at every step, by letter: O in progress (with a PDF), S
    submitted online (with a PNG), P awaiting payment, U waiting for supplements, R
    resolved, T returned — all at the town; X in progress at the other town, the other
    citizen's."""
    desk, spec, procedure = world.desk_officer, world.specialist, world.procedure
    # The security tests' applicants leave no e-mail address (nothing is mailed).
    intake = partial(intake_of, email="")

    def handled(*then):
        dossier = intake_at_counter(
            desk, intake(procedure, uploads=[pdf_upload()]), applicant_user=world.citizen
        )
        dossier = transitions.transfer(dossier, desk, to_unit=world.justice)
        for step in then:
            dossier = step(dossier)
        return dossier

    def resolve(dossier):
        return transitions.resolve(dossier, spec, note="Đã có kết quả")

    world.dossiers = {
        "O": handled(),
        "S": file_online(world.citizen, intake(procedure, uploads=[png_upload()]), world.town),
        "P": handled(lambda d: transitions.request_payment(d, spec)),
        "U": handled(lambda d: transitions.request_supplement(d, spec, "Thiếu giấy chứng sinh")),
        "R": handled(resolve),
        "T": handled(resolve, lambda d: transitions.return_result(d, desk)),
    }
    other = intake_at_counter(
        world.other_desk_officer,
        intake(procedure, name="Trần Thị Bình", phone=OTHER_CITIZEN_PHONE),
        applicant_user=world.other_citizen,
    )
    world.dossiers["X"] = transitions.transfer(
        other, world.other_desk_officer, to_unit=world.other_justice
    )
    return world


def add_review_step(world, share):
    """The birth registration's first internal step: the justice office's specialists
    review it, with ``share`` per cent of the time limit."""
    return WorkflowStep.objects.create(
        procedure=world.procedure,
        order=1,
        name="Thẩm định",
        unit=world.justice,
        role=Role.SPECIALIST,
        share=share,
    )


def install_signing_keys(settings, folder, world):
    """The demo CA and a key for every committee of ``world`` in ``folder``, made the
    installation's keys (``SIGNING_KEYS_DIR``) with the CA as its only trust root."""
    settings.SIGNING_KEYS_DIR = folder
    settings.SIGNING_TRUST_ROOTS = [str(folder / "trust-roots.pem")]
    ensure_demo_keys([world.province, world.town, *world.wards, world.other_town])
    return folder
