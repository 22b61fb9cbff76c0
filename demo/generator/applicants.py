"""Who files the demo's dossiers: people with the region's usual names, a few
businesses, and the demo citizen's own dossiers."""

from dossiers.models import ApplicantKind

from .rates import ORGANISATION_SHARE

FAMILY_NAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Phan", 4),
    ("Vũ", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 1),
    ("Kiều", 1),
    ("Khuất", 1),
)
MALE_MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Mạnh", "Tiến")
FEMALE_MIDDLE = ("Thị", "Thu", "Ngọc", "Thanh", "Thị Thu", "Minh", "Phương", "Hồng")
MALE_GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hùng",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Tuấn",
    "Việt",
    "Hải",
    "Hiếu",
    "Khánh",
    "Trung",
    "Đức",
    "Hoàng",
    "Kiên",
    "Lâm",
    "Tùng",
    "Vinh",
    "Thành",
)
FEMALE_GIVEN = (
    "Hà",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Ngọc",
    "Oanh",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
    "Hằng",
    "Huyền",
    "Loan",
    "Dung",
    "Giang",
    "Hạnh",
    "Nhung",
    "Thủy",
    "Vân",
    "Anh",
    "Chi",
)
COMPANY_KINDS = ("Công ty TNHH", "Công ty cổ phần", "Hộ kinh doanh", "Hợp tác xã")
COMPANY_NAMES = (
    "Minh Phát",
    "Hưng Thịnh",
    "An Khang",
    "Thành Công",
    "Đông Đô",
    "Sơn Tây Xanh",
    "Phúc Lộc",
    "Việt Tiến",
    "Hoàng Long",
    "Tân Phát",
)
MOBILE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "086", "088", "032", "035")


def random_applicant(rng, places):
    """The applicant fields of a stranger living in one of `places`."""
    phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
    address = f"Số {rng.randint(1, 250)}, tổ {rng.randint(1, 30)}, {rng.choice(places)}"
    person = _person_name(rng)
    if rng.random() < ORGANISATION_SHARE:
        kind = rng.choice(COMPANY_KINDS)
        name = f"{kind} {person if kind == 'Hộ kinh doanh' else rng.choice(COMPANY_NAMES)}"
        return _applicant_fields(
            ApplicantKind.ORGANISATION, name, f"01{rng.randrange(10**8):08d}", phone, address
        )
    born = rng.randint(1950, 2006)
    century_sex = (0 if born < 2000 else 2) + rng.randint(0, 1)
    id_number = f"001{century_sex}{born % 100:02d}{rng.randrange(10**6):06d}"
    return _applicant_fields(ApplicantKind.PERSON, person, id_number, phone, address)


def _applicant_fields(kind, name, id_number, phone, address, email=""):
    return {
        "applicant_kind": kind,
        "applicant_name": name,
        "applicant_id_number": id_number,
        "applicant_phone": phone,
        "applicant_email": email,
        "applicant_address": address,
    }


def citizen_applicant(citizen):
    return _applicant_fields(
        ApplicantKind.PERSON,
        citizen.name,
        citizen.id_number,
        citizen.phone,
        citizen.address,
        citizen.email,
    )


def _person_name(rng):
    family = rng.choices(*zip(*FAMILY_NAMES, strict=True))[0]
    if rng.random() < 0.5:
        return f"{family} {rng.choice(MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}"
    return f"{family} {rng.choice(FEMALE_MIDDLE)} {rng.choice(FEMALE_GIVEN)}"
