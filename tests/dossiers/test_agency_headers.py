"""The agency header and the place-and-date line of the official forms, for every kind of
unit: the committee's name is never doubled and the place drops the kind word."""

from datetime import datetime

import pytest

from core.models import UnitKind
from core.workdays import TZ
from demo.town import TOWN
from dossiers.printing.agency import agency_of
from dossiers.printing.words import place_and_date
from tests.factories import UnitFactory

DAY = datetime(2026, 11, 23, 9, tzinfo=TZ)


@pytest.fixture
def tree(db):
    province = UnitFactory(code="T1", name="Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    town = UnitFactory(code="T1.1", name="Thị xã Sơn Tây", kind=UnitKind.DISTRICT, parent=province)
    named = UnitFactory(
        code="T1.2", name="Ủy ban nhân dân thị xã Sơn Tây", kind=UnitKind.DISTRICT, parent=province
    )
    return {
        "province": province,
        "town": town,
        "named": named,
        "ward": UnitFactory(code="T1.1.1", name="Phường Lê Lợi", kind=UnitKind.WARD, parent=town),
        "commune": UnitFactory(
            code="T1.1.2", name="Xã Cổ Đông", kind=UnitKind.COMMUNE, parent=town
        ),
        "office": UnitFactory(
            code="T1.1.3", name="Phòng Tư pháp", kind=UnitKind.DEPARTMENT, parent=town
        ),
        "centre": UnitFactory(
            code="T1.1.4", name="Bộ phận Một cửa", kind=UnitKind.CENTRE, parent=named
        ),
        "province_centre": UnitFactory(
            code="T1.9",
            name="Trung tâm Phục vụ hành chính công",
            kind=UnitKind.CENTRE,
            parent=province,
        ),
        "tinh": UnitFactory(code="T2", name="Tỉnh Bắc Ninh", kind=UnitKind.PROVINCE),
    }


@pytest.mark.parametrize(
    ("key", "governing", "issuing", "place"),
    [
        ("town", "ỦY BAN NHÂN DÂN THỊ XÃ SƠN TÂY", "BỘ PHẬN MỘT CỬA", "Sơn Tây"),
        ("named", "ỦY BAN NHÂN DÂN THỊ XÃ SƠN TÂY", "BỘ PHẬN MỘT CỬA", "Sơn Tây"),
        ("ward", "ỦY BAN NHÂN DÂN PHƯỜNG LÊ LỢI", "BỘ PHẬN MỘT CỬA", "Lê Lợi"),
        ("commune", "ỦY BAN NHÂN DÂN XÃ CỔ ĐÔNG", "BỘ PHẬN MỘT CỬA", "Cổ Đông"),
        ("office", "ỦY BAN NHÂN DÂN THỊ XÃ SƠN TÂY", "PHÒNG TƯ PHÁP", "Sơn Tây"),
        ("centre", "ỦY BAN NHÂN DÂN THỊ XÃ SƠN TÂY", "BỘ PHẬN MỘT CỬA", "Sơn Tây"),
        (
            "province_centre",
            "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
            "Hà Nội",
        ),
        (
            "province",
            "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
            "Hà Nội",
        ),
        ("tinh", "ỦY BAN NHÂN DÂN TỈNH BẮC NINH", "BỘ PHẬN MỘT CỬA", "Bắc Ninh"),
    ],
)
def test_header_and_place_line_per_unit_kind(tree, key, governing, issuing, place):
    agency = agency_of(tree[key])
    assert agency.governing.upper() == governing
    assert "ỦY BAN NHÂN DÂN ỦY BAN" not in agency.governing.upper()
    assert agency.issuing.upper() == issuing
    assert place_and_date(agency.place, DAY) == f"{place}, ngày 23 tháng 11 năm 2026"


def test_the_demo_town_reads_right(db):
    unit = UnitFactory(code=TOWN[0], name=TOWN[1], kind=TOWN[2])
    agency = agency_of(unit)
    assert agency.governing.upper() == "ỦY BAN NHÂN DÂN THỊ XÃ SƠN TÂY"
    assert place_and_date(agency.place, DAY) == "Sơn Tây, ngày 23 tháng 11 năm 2026"
