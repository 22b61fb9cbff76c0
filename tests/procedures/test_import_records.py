"""The mapping of one national record to catalogue values (no database)."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.utils import translation

from procedures.records.amounts import parse_cutoff, parse_limit, parse_money
from procedures.records.csv_rows import record_from_row
from procedures.records.parsing import parse_record
from procedures.records.reading import RecordError, clean_label, clean_text


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def record(**keys):
    base = {
        "MATTHC": "1.001193",
        "TENTTHC": "Thủ tục đăng ký khai sinh",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "", "TENLINHVUC": "Hộ tịch"}],
        "CAPTHUCHIEN": [{"CAPTHUCHIEN": "Cấp xã"}],
    }
    return {**base, **keys}


def channel(kenh, amount, unit, note="", fees=()):
    return {
        "KENH": kenh,
        "THOIGIAN": [
            {"THOIGIANGIAIQUYET": amount, "DONVITINH": unit, "MOTA": note, "PHILEPHI": list(fees)}
        ],
    }


def fee(amount, unit="VNĐ", description=""):
    return {"MAPHILEPHI": "", "SOTIEN": amount, "DONVI": unit, "MOTA": description}


def test_scraped_text_is_tidied():
    messy = "  Đăng\u00a0ký   khai sinh\u200b.  "
    assert clean_label(messy) == "Đăng ký khai sinh"
    assert clean_text("Bước 1:  nộp \r\n\n  Bước 2:\tnhận  ") == "Bước 1: nộp\nBước 2: nhận"
    # Decomposed Vietnamese (from some scrapers) is stored composed, so search and
    # equality see one spelling.
    assert clean_label("Ho\u0302\u0323 ti\u0323ch") == "Hộ tịch"


def test_cleaning_is_idempotent():
    for text in ["  a\u00a0 b.", "x\n\n y .", "Đồng (phí)."]:
        assert clean_label(clean_label(text)) == clean_label(text)
        assert clean_text(clean_text(text)) == clean_text(text)


def test_names_lose_their_trailing_dot_and_the_code_its_spaces():
    data = parse_record(record(MATTHC=" 1.001 193 ", TENTTHC="Đăng ký khai sinh..."))
    assert data.code == "1.001193"
    assert data.values["name"] == "Đăng ký khai sinh"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(7, Decimal(7)), ("7", Decimal(7)), (" 0,5 ", Decimal("0.5")), (1.5, Decimal("1.5"))],
)
def test_time_limits_are_numbers_or_number_text(value, expected):
    assert parse_limit(value) == expected


@pytest.mark.parametrize("value", ["bảy", "7 ngày", [7], True, -1, 5000, float("nan")])
def test_bad_time_limits_are_refused(value):
    with pytest.raises(RecordError, match="THOIGIANGIAIQUYET"):
        parse_limit(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (70000, Decimal(70000)),
        ("70.000", Decimal(70000)),
        ("70.000 đồng", Decimal(70000)),
        ("1.500.000đ", Decimal(1500000)),
        ("10", Decimal(10)),
        ("2,5", Decimal("2.5")),
    ],
)
def test_fee_amounts_read_vietnamese_thousands(value, expected):
    assert parse_money(value) == expected


def test_a_fee_that_is_not_a_number_is_refused():
    with pytest.raises(RecordError, match="SOTIEN"):
        parse_money("miễn phí")


@pytest.mark.parametrize(
    ("note", "cutoff"),
    [
        ("Trong ngày; sau 15 giờ thì trả trong ngày làm việc tiếp theo", "15:00"),
        ("nhận trước 15h", "15:00"),
        ("trước 15:30", "15:30"),
        ("Trước 10 giờ 30", "10:30"),
        ("không có giờ", None),
    ],
)
def test_cutoffs_are_read_from_the_note(note, cutoff):
    assert parse_cutoff(note) == cutoff


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("Ngày làm việc", "working_days"),
        ("ngày làm việc.", "working_days"),
        ("Ngày", "calendar_days"),
        ("Giờ", "working_hours"),
        ("Giờ làm việc", "working_hours"),
    ],
)
def test_time_units_map_to_the_deadline_units(unit, expected):
    data = parse_record(record(CACHTHUCTHUCHIEN=[channel(1, 5, unit)]))
    assert data.values["time_limit_unit"] == expected
    assert data.values["time_limit_amount"] == 5


def test_same_day_limits_keep_their_cutoff():
    data = parse_record(
        record(CACHTHUCTHUCHIEN=[channel(1, 0, "Trong ngày", "Tiếp nhận trước 15 giờ")])
    )
    assert data.values["time_limit_unit"] == "same_day"
    assert data.values["same_day_cutoff"] == time(15, 0)
    assert data.values["channel_terms"][0]["cutoff"] == "15:00"


def test_a_zero_limit_is_same_day_with_the_default_cutoff():
    data = parse_record(record(CACHTHUCTHUCHIEN=[channel(1, 0, "Ngày làm việc")]))
    assert data.values["time_limit_unit"] == "same_day"
    assert data.values["same_day_cutoff"] is None


def test_every_channel_keeps_its_limit_and_fees_and_the_desk_gives_the_default():
    data = parse_record(
        record(
            CACHTHUCTHUCHIEN=[
                channel(2, 3, "Ngày làm việc", fees=[fee(0)]),
                channel(1, "5", "Ngày làm việc", fees=[fee("8.000", description="Đồng (/bản)")]),
                channel(3, 0.5, "Ngày", fees=[fee(10, "USD")]),
            ]
        )
    )
    terms = {entry["channel"]: entry for entry in data.values["channel_terms"]}
    assert (terms["online"]["amount"], terms["counter"]["amount"]) == ("3", "5")
    assert terms["post"] == {
        "channel": "post",
        "amount": "0.5",
        "unit": "calendar_days",
        "cutoff": None,
        "note": "",
        "fees": [{"code": "", "amount": "10", "currency": "USD", "description": ""}],
    }
    assert data.values["time_limit_amount"] == 5
    assert data.values["fee_amount"] == 8000
    assert data.values["fee_description"] == "/bản"


def test_several_time_entries_of_one_channel_keep_the_first_limit_and_every_note():
    entries = [
        {"THOIGIANGIAIQUYET": 5, "DONVITINH": "Ngày làm việc", "MOTA": "cảng vụ", "PHILEPHI": []},
        {"THOIGIANGIAIQUYET": 2, "DONVITINH": "Ngày", "MOTA": "chi cục", "PHILEPHI": [fee(1)]},
    ]
    data = parse_record(record(CACHTHUCTHUCHIEN=[{"KENH": 1, "THOIGIAN": entries}]))
    (terms,) = data.values["channel_terms"]
    assert (terms["amount"], terms["unit"]) == ("5", "working_days")
    assert terms["note"] == "cảng vụ\nchi cục"
    assert [f["amount"] for f in terms["fees"]] == ["1"]


def test_a_record_without_any_limit_is_same_day_with_a_warning():
    data = parse_record(record(CACHTHUCTHUCHIEN=[{"KENH": 1, "THOIGIAN": [{"MOTA": "x"}]}]))
    assert data.values["time_limit_unit"] == "same_day"
    assert "no time limit" in data.warnings[0]


def test_an_unknown_unit_is_kept_as_text_with_a_warning():
    data = parse_record(record(CACHTHUCTHUCHIEN=[channel(1, 2, "Tháng")]))
    (terms,) = data.values["channel_terms"]
    assert (terms["unit"], terms["unit_text"], terms["amount"]) == ("", "Tháng", "2")
    assert any("Tháng" in warning for warning in data.warnings)


@pytest.mark.parametrize(
    ("mucdo", "level"), [(2, "none"), ("3", "partial"), (4, "full"), (4.0, "full")]
)
def test_online_levels(mucdo, level):
    assert parse_record(record(MUCDO=mucdo)).values["online_level"] == level


def test_the_most_local_level_listed_is_kept():
    levels = [{"CAPTHUCHIEN": "Cấp bộ"}, {"CAPTHUCHIEN": "Cấp tỉnh"}, {"CAPTHUCHIEN": "Cấp xã"}]
    assert parse_record(record(CAPTHUCHIEN=levels)).values["level"] == "commune"
    district = [{"CAPTHUCHIEN": "Cấp tỉnh"}, {"CAPTHUCHIEN": "Cấp huyện"}]
    assert parse_record(record(CAPTHUCHIEN=district)).values["level"] == "district"


def test_a_central_level_only_record_is_refused():
    with pytest.raises(RecordError, match="Cấp bộ"):
        parse_record(record(CAPTHUCHIEN=[{"CAPTHUCHIEN": "Cấp bộ"}]))


def test_documents_are_flattened_in_order_with_their_case():
    documents = [
        {
            "TRUONGHOP": "Giấy tờ phải nộp",
            "GIAYTO": [
                {
                    "TENGIAYTO": "Tờ khai.",
                    "SOBANCHINH": "1",
                    "SOBANSAO": 0,
                    "URL": "https://a.vn/t",
                },
                {"TENGIAYTO": "Giấy chứng sinh (nếu có)", "SOBANCHINH": 1.0},
            ],
        },
        {"TRUONGHOP": "", "GIAYTO": [{"TENGIAYTO": "  "}, {"TENGIAYTO": "CCCD", "URL": "x"}]},
    ]
    data = parse_record(record(THANHPHANHOSO=documents))
    assert [(d["case"], d["name"], d["order"]) for d in data.documents] == [
        ("Giấy tờ phải nộp", "Tờ khai", 0),
        ("Giấy tờ phải nộp", "Giấy chứng sinh (nếu có)", 1),
        ("", "CCCD", 2),
    ]
    assert data.documents[0]["originals"] == 1
    assert data.documents[0]["form_url"] == "https://a.vn/t"
    assert [d["is_required"] for d in data.documents] == [True, False, True]
    assert data.documents[2]["form_url"] == ""  # "x" is no web address
    assert len(data.warnings) == 2  # the nameless document and the bad link


def test_steps_results_legal_basis_and_the_rest():
    data = parse_record(
        record(
            LOAITTHC="TTHC được luật giao",
            TRANGTHAI="1",
            DOITUONGTHUCHIEN=[{"TENDOITUONG": "Công dân Việt Nam"}],
            TRINHTUTHUCHIEN=[{"TRUONGHOP": "", "TRINHTU": [{"TENTRINHTU": "Nộp hồ sơ"}, {}]}],
            KETQUATHUCHIEN=[{"MAKETQUA": "KQ1", "TENKETQUA": "Giấy khai sinh."}],
            CANCUPHAPLY=[{"SOVANBAN": "60/2014/QH13", "TENVANBAN": "Luật Hộ tịch"}],
            COQUANTHUCHIEN=[{"MADONVI": "", "TENDONVI": "UBND cấp xã"}],
            YEUCAU="Không",
            LIENTHONG="true",
            TTHCLIENQUAN=[{"MATTHC": "1.000893", "TENTTHC": "Đăng ký khai tử"}],
            IDQUYETDINHCONGBO="163/QĐ-BTP",
            NGAYHIEULUC="2025-07-01",
            KHONGBIET="unknown keys are ignored",
        )
    )
    values = data.values
    assert values["kind"] == "TTHC được luật giao"
    assert values["published"] is True
    assert values["applicant_type"] == "person"
    assert values["steps"] == [{"case": "", "steps": ["Nộp hồ sơ"]}]
    assert values["result"] == "Giấy khai sinh"
    assert values["legal_basis"] == [{"number": "60/2014/QH13", "title": "Luật Hộ tịch"}]
    assert values["handling_agency"] == "UBND cấp xã"
    assert values["inter_agency"] is True
    assert values["related"] == [{"code": "1.000893", "name": "Đăng ký khai tử"}]
    assert values["publication_decision"] == "163/QĐ-BTP"
    assert values["effective_date"] == date(2025, 7, 1)
    assert data.field.name == "Hộ tịch"
    assert data.field.code == "ho-tich"


def test_absent_keys_are_left_out_of_the_values():
    data = parse_record({"MATTHC": "1.1", "TENTTHC": "Tên"})
    assert data.values == {"name": "Tên"}
    assert data.field is None
    assert data.documents is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("not an object", "JSON object"),
        ({"TENTTHC": "Tên"}, "no procedure code (MATTHC)"),
        ({"MATTHC": "1.1", "TENTTHC": " "}, "no procedure name (TENTTHC)"),
        ({"MATTHC": "1.1", "TENTTHC": ["a"]}, "TENTTHC must be text"),
        (record(MUCDO="cao"), "MUCDO must be a whole number"),
        (record(MUCDO=7), "MUCDO must be 2, 3 or 4"),
        (record(LINHVUCTHUCHIEN="Hộ tịch"), "LINHVUCTHUCHIEN must be a list"),
        (record(LINHVUCTHUCHIEN=[7]), "Each entry of LINHVUCTHUCHIEN must be an object"),
        (record(CAPTHUCHIEN=5), "CAPTHUCHIEN must be a list"),
        (record(CACHTHUCTHUCHIEN=[channel(9, 1, "Ngày")]), "KENH must be 1"),
        (record(CACHTHUCTHUCHIEN=[channel(1, "bảy", "Ngày")]), "THOIGIANGIAIQUYET"),
        (record(THANHPHANHOSO=[{"GIAYTO": [{"TENGIAYTO": "x", "SOBANSAO": -1}]}]), "SOBANSAO"),
        (record(LIENTHONG="có lẽ"), "LIENTHONG must be true or false"),
        (record(IDQUYETDINHCONGBO="x" * 201), "200"),
        (record(MATTHC="1." + "9" * 50), "40"),
        (record(NGAYHIEULUC="hôm qua"), "NGAYHIEULUC"),
    ],
)
def test_bad_records_are_refused_with_their_reason(raw, reason):
    with pytest.raises(RecordError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_record(raw)


def test_list_entries_may_be_bare_names():
    data = parse_record(record(LINHVUCTHUCHIEN=["Hộ tịch"], CAPTHUCHIEN=["Cấp tỉnh"]))
    assert (data.field.name, data.values["level"]) == ("Hộ tịch", "province")


def test_a_csv_row_becomes_a_national_record():
    row = {
        "MATTHC": "1.001193",
        "TENTTHC": "Đăng ký khai sinh",
        "TENLINHVUC": "Hộ tịch",
        "CAPTHUCHIEN": "Cấp xã; Cấp tỉnh",
        "THOIGIANGIAIQUYET": "0,5",
        "DONVITINH": "Ngày làm việc",
        "PHILEPHI_SOTIEN": "8000; 10000",
        "MUCDO": "4",
        "CANCUPHAPLY": "60/2014/QH13 Luật Hộ tịch; Luật Cư trú",
    }
    data = parse_record(record_from_row(row))
    assert data.values["level"] == "commune"
    assert data.values["time_limit_amount"] == Decimal("0.5")
    assert [f["amount"] for f in data.values["channel_terms"][0]["fees"]] == ["8000", "10000"]
    assert data.values["online_level"] == "full"
    assert data.values["legal_basis"] == [
        {"number": "60/2014/QH13", "title": "Luật Hộ tịch"},
        {"number": "", "title": "Luật Cư trú"},
    ]
