"""The demo town: the source town (Sơn Tây), its offices and its 15 wards and communes,
one user per role, the staff of each office and ward, and the official calendar around
this year. Idempotent: running it again changes nothing."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from core.models import Unit, UnitKind, User
from core.official_calendar import current_years
from core.roles import Role
from core.services import sync_official_calendar

PROVINCE = ("H26", "Thành phố Hà Nội", UnitKind.PROVINCE)
TOWN = ("H26.45", "Ủy ban nhân dân thị xã Sơn Tây", UnitKind.DISTRICT)
DESK = ("H26.45.MC", "Bộ phận Một cửa thị xã Sơn Tây", UnitKind.CENTRE)
DEPARTMENTS = [
    ("H26.45.NV", "Phòng Nội vụ"),
    ("H26.45.TP", "Phòng Tư pháp"),
    ("H26.45.TCKH", "Phòng Tài chính - Kế hoạch"),
    ("H26.45.QLDT", "Phòng Quản lý đô thị"),
    ("H26.45.TNMT", "Phòng Tài nguyên và Môi trường"),
    ("H26.45.LDTBXH", "Phòng Lao động - Thương binh và Xã hội"),
    ("H26.45.VHTT", "Phòng Văn hóa và Thông tin"),
    ("H26.45.KT", "Phòng Kinh tế"),
    ("H26.45.YT", "Phòng Y tế"),
    ("H26.45.GDDT", "Phòng Giáo dục và Đào tạo"),
    ("H26.45.TTR", "Thanh tra thị xã"),
]
WARDS = [
    "Lê Lợi",
    "Ngô Quyền",
    "Phú Thịnh",
    "Quang Trung",
    "Sơn Lộc",
    "Trung Hưng",
    "Trung Sơn Trầm",
    "Viên Sơn",
    "Xuân Khanh",
]
COMMUNES = ["Cổ Đông", "Đường Lâm", "Kim Sơn", "Sơn Đông", "Thanh Mỹ", "Xuân Sơn"]

# username, role, unit code, full name
DEMO_USERS = [
    ("congdan", Role.CITIZEN, None, "Nguyễn Văn An"),
    ("motcua", Role.DESK_OFFICER, DESK[0], "Trần Thị Bình"),
    ("chuyenvien", Role.SPECIALIST, "H26.45.TP", "Lê Văn Cường"),
    ("motcua_leloi", Role.DESK_OFFICER, "H26.45.01", "Phạm Thị Dung"),
    ("lanhdao_leloi", Role.UNIT_LEADER, "H26.45.01", "Hoàng Văn Em"),
    ("lanhdao", Role.LEADER, TOWN[0], "Đỗ Minh Giang"),
    # Attached to the town, not to its internal affairs office: reports and the dashboard
    # show the subtree of the reader's unit, and the office receives no dossiers.
    ("cchc", Role.INDEX_OFFICER, TOWN[0], "Vũ Thu Hà"),
]


# The staff each office and ward has besides the named users above, so that every step of
# a demo dossier has a handler of its unit: a specialist and a unit leader in each office,
# and a desk officer too in each ward and commune. Names in Vietnamese order (family name,
# middle name, given name), drawn in turn from these.
OFFICE_STAFF = (Role.SPECIALIST, Role.UNIT_LEADER)
WARD_STAFF = (Role.DESK_OFFICER, Role.SPECIALIST, Role.UNIT_LEADER)
USERNAME_PREFIX = {
    Role.DESK_OFFICER: "motcua",
    Role.SPECIALIST: "chuyenvien",
    Role.UNIT_LEADER: "lanhdao",
}
FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương")
MIDDLE_NAMES = ("Văn", "Thị", "Minh", "Thu", "Đức", "Thanh", "Quốc", "Ngọc", "Hữu")
GIVEN_NAMES = (
    *("Anh", "Bảo", "Châu", "Dũng", "Hạnh", "Hiếu", "Hùng", "Khánh", "Lan", "Linh", "Long"),
    *("Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn"),
)


def staff_users(units):
    """(username, role, unit code, full name) of the staff of `units` (code, kind) that
    the named demo users leave without someone in a role."""
    named = {(role, code) for _username, role, code, _name in DEMO_USERS}
    rows = []
    for code, kind in units:
        roles = WARD_STAFF if kind in (UnitKind.WARD, UnitKind.COMMUNE) else OFFICE_STAFF
        for role in roles:
            if (role, code) in named:
                continue
            n = len(rows)
            name = " ".join(
                (
                    FAMILY_NAMES[n % len(FAMILY_NAMES)],
                    MIDDLE_NAMES[n % len(MIDDLE_NAMES)],
                    GIVEN_NAMES[n % len(GIVEN_NAMES)],
                )
            )
            suffix = code.rpartition(".")[2].lower()
            rows.append((f"{USERNAME_PREFIX[role]}_{suffix}", role, code, name))
    return rows


def ward_units():
    """(code, name, kind) of the 15 wards and communes, codes in a stable order."""
    places = [(f"Phường {n}", UnitKind.WARD) for n in WARDS]
    places += [(f"Xã {n}", UnitKind.COMMUNE) for n in COMMUNES]
    return [(f"H26.45.{i:02d}", name, kind) for i, (name, kind) in enumerate(places, start=1)]


def _unit(code, name, kind, parent):
    unit, _created = Unit.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent}
    )
    return unit


def seed_units(out):
    province = _unit(*PROVINCE, parent=None)
    town = _unit(*TOWN, parent=province)
    _unit(*DESK, parent=town)
    for code, name in DEPARTMENTS:
        _unit(code, name, UnitKind.DEPARTMENT, town)
    for code, name, kind in ward_units():
        _unit(code, name, kind, town)
    out(f"  units: {Unit.objects.count()}")


def seed_users(out):
    password = make_password(settings.ONESTOP_DEMO_PASSWORD)  # hashed once for them all
    units = {u.code: u for u in Unit.objects.all()}
    groups = {group.name: group for group in Group.objects.all()}
    places = [(code, UnitKind.DEPARTMENT) for code, _name in DEPARTMENTS]
    places += [(code, kind) for code, _name, kind in ward_units()]
    staff = staff_users(places)
    for username, role, unit_code, full_name in DEMO_USERS + staff:
        last, _sep, first = full_name.rpartition(" ")
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "unit": units.get(unit_code),
                "is_staff": role != Role.CITIZEN,
                "email": f"{username}@example.vn",
                "phone": "0912345678" if role == Role.CITIZEN else "",
                "password": password,
            },
        )
        user.groups.set([groups[role]])
    User.objects.update_or_create(
        username="admin",
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "email": "admin@example.vn",
            "password": password,
        },
    )
    out(f"  demo users (password {settings.ONESTOP_DEMO_PASSWORD}):")
    for username, role, unit_code, _name in DEMO_USERS:
        out(f"    {username:<14} {role.label} — {units.get(unit_code) or '-'}")
    out(f"    {'admin':<14} superuser")
    out(f"    and {len(staff)} staff of the offices and wards (motcua_01, chuyenvien_tp, …)")


def seed(out):
    seed_units(out)
    seed_users(out)
    added = sync_official_calendar(current_years())
    out(f"  calendar: {added} official days added")
