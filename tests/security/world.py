"""One small world for the quality gates (the authorization matrix, the API fuzzing and the
browser journeys): two towns, each with a one-stop desk and a justice office, one user per
role on each side, and the dossiers of a citizen at every step of the workflow.

"Own" is the town H26.45 and its citizen; "other" is the town H26.46 and another citizen.
The province's leader and index officer oversee both towns.
"""

import struct
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import UnitKind
from dossiers import services
from procedures.models import OnlineLevel
from tests.factories import UnitFactory, UserFactory
from tests.procedures.factories import ProcedureFactory, RequiredDocumentFactory

PASSWORD = "Secret-pass-123"
CITIZEN_PHONE = "0912345678"
OTHER_CITIZEN_PHONE = "0987654321"
BIRTH_REGISTRATION = "1.001193"


def sample_pdf():
    """A small, well-formed one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def sample_png(width=8, height=8):
    """A small, well-formed grey PNG."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def pdf_upload(name="giay-to.pdf"):
    return SimpleUploadedFile(name, sample_pdf(), content_type="application/pdf")


def png_upload(name="anh-chup.png"):
    return SimpleUploadedFile(name, sample_png(), content_type="image/png")


@dataclass
class World:
    units: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    dossiers: dict = field(default_factory=dict)
    procedure: object = None

    def codes(self):
        return {key: dossier.code for key, dossier in self.dossiers.items()}


def build_units():
    province = UnitFactory(code="H26", name="Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    units = {"province": province}
    for key, code, name in (("town", "H26.45", "Thị xã Sơn Tây"), ("other", "H26.46", "Ba Vì")):
        town = UnitFactory(code=code, name=name, kind=UnitKind.DISTRICT, parent=province)
        units[key] = town
        units[f"{key}_desk"] = UnitFactory(
            code=f"{code}.MC",
            name=f"Bộ phận Một cửa {name}",
            kind=UnitKind.CENTRE,
            parent=town,
        )
        units[f"{key}_justice"] = UnitFactory(
            code=f"{code}.TP",
            name=f"Phòng Tư pháp {name}",
            kind=UnitKind.DEPARTMENT,
            parent=town,
        )
    return units


# (key, role, unit key, extra attributes); the key is also the user name.
PEOPLE = (
    ("citizen", "citizen", None, {"phone": CITIZEN_PHONE}),
    ("citizen2", "citizen", None, {"phone": OTHER_CITIZEN_PHONE}),
    ("desk", "desk_officer", "town_desk", {}),
    ("desk2", "desk_officer", "other_desk", {}),
    ("spec", "specialist", "town_justice", {}),
    ("spec2", "specialist", "other_justice", {}),
    ("uleader", "unit_leader", "town", {}),
    ("uleader2", "unit_leader", "other", {}),
    ("leader", "leader", "province", {}),
    ("index", "index_officer", "province", {}),
)


def build_users(units):
    users = {
        key: UserFactory(
            username=key,
            password=PASSWORD,
            role=role,
            unit=units.get(unit_key),
            first_name="Thử",
            last_name=f"Người dùng {key}",
            **extra,
        )
        for key, role, unit_key, extra in PEOPLE
    }
    users["admin"] = UserFactory(
        username="root", password=PASSWORD, is_superuser=True, is_staff=True
    )
    return users


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


def intake(procedure, name="Nguyễn Văn An", phone=CITIZEN_PHONE, uploads=()):
    applicant = services.Applicant(
        name=name, phone=phone, id_number="001090000001", address="Phường Lê Lợi"
    )
    return services.Intake(
        procedure=procedure,
        applicant=applicant,
        summary="Khai sinh cho con",
        uploads=[services.Upload(upload) for upload in uploads],
    )


def build_dossiers(procedure, units, users):
    """O in progress (with a PDF), S submitted online (with a PNG), P awaiting payment,
    U waiting for supplements, R resolved, T returned: all the citizen's, at the town;
    X in progress at the other town, the other citizen's."""
    desk, spec = users["desk"], users["spec"]

    def handled(*then):
        dossier = services.intake_at_counter(
            desk, intake(procedure, uploads=[pdf_upload()]), applicant_user=users["citizen"]
        )
        dossier = services.transfer(dossier, desk, to_unit=units["town_justice"])
        for step in then:
            dossier = step(dossier)
        return dossier

    def resolve(dossier):
        return services.resolve(dossier, spec, note="Đã có kết quả")

    dossiers = {
        "O": handled(),
        "S": services.file_online(
            users["citizen"], intake(procedure, uploads=[png_upload()]), units["town"]
        ),
        "P": handled(lambda d: services.request_payment(d, spec)),
        "U": handled(lambda d: services.request_supplement(d, spec, "Thiếu giấy chứng sinh")),
        "R": handled(resolve),
        "T": handled(resolve, lambda d: services.return_result(d, desk)),
    }
    other = services.intake_at_counter(
        users["desk2"],
        intake(procedure, name="Trần Thị Bình", phone=OTHER_CITIZEN_PHONE),
        applicant_user=users["citizen2"],
    )
    dossiers["X"] = services.transfer(other, users["desk2"], to_unit=units["other_justice"])
    return dossiers


def build_world():
    units = build_units()
    users = build_users(units)
    procedure = birth_registration(units)
    return World(
        units=units,
        users=users,
        procedure=procedure,
        dossiers=build_dossiers(procedure, units, users),
    )
