"""People's data (core.validators): each normaliser gives one spelling and is stable, each
validator refuses with a Vietnamese message, and the form and serializer fields agree."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError as DRFValidationError

from core.validators import (
    CITIZEN_ID,
    NAME,
    PHONE,
    NormalisedFormField,
    NormalisedSerializerField,
    is_invisible,
    normalise_id_number,
    normalise_name,
    normalise_phone,
    validate_citizen_id,
    validate_id_or_tax_code,
    validate_name,
    validate_phone,
    validate_tax_code,
)

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")

valid_phones = st.from_regex(r"\A0(?:[35789][0-9]{8}|2[0-9]{9})\Z")
any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


def messages(validator, value):
    with pytest.raises(ValidationError) as refused:
        validator(value)
    return refused.value.messages


# --- phone numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "(091) 234-5678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "+84 (0) 912 345 678",
        "０９１２３４５６７８",
        "＋８４ ９１２ ３４５ ６７８",
        "09١٢٣٤٥٦٧٨",
        "0912\u200b345\u00a0678",
        "0912–345–678",
    ],
)
def test_a_mobile_number_typed_any_usual_way_is_stored_one_way(typed):
    assert normalise_phone(typed) == "0912345678"
    validate_phone(normalise_phone(typed))


def test_landlines_have_eleven_digits_after_02():
    assert normalise_phone("(024) 3825 1234") == "02438251234"
    validate_phone("02438251234")
    messages(validate_phone, "0243825123")


@pytest.mark.parametrize(
    "phone", ["12345", "0412345678", "091234567", "09123456789", "091234567a", "", "0912345678\n"]
)
def test_what_the_number_plan_does_not_know_is_refused(phone):
    assert messages(validate_phone, phone) == [
        "Nhập số điện thoại Việt Nam hợp lệ, ví dụ 0912345678."
    ]


@pytest.mark.parametrize("phone", ["0123456789", "01234567890", "01691234567"])
def test_the_prefixes_retired_in_2018_are_refused_with_the_reason(phone):
    assert "không còn được sử dụng từ năm 2018" in messages(validate_phone, phone)[0]


def test_superscript_and_circled_digits_are_not_digits():
    # Only decimal digits are converted: "²" or "①" do not silently become numbers.
    messages(validate_phone, normalise_phone("091234567²"))
    messages(validate_phone, normalise_phone("091234567①"))


@given(any_text)
def test_normalising_a_phone_twice_changes_nothing(text):
    once = normalise_phone(text)
    assert normalise_phone(once) == once


@given(valid_phones, st.sampled_from([FULL_WIDTH, ARABIC_INDIC, DEVANAGARI, {}]))
def test_every_valid_number_survives_its_spellings(phone, digits):
    spellings = [
        phone,
        phone.translate(digits),
        f"+84 {phone[1:4]} {phone[4:7]} {phone[7:]}",
        "84" + phone[1:],
        f"{phone[:4]}.{phone[4:7]}.{phone[7:]}",
    ]
    assert {normalise_phone(spelling) for spelling in spellings} == {phone}
    validate_phone(phone)


@given(any_text)
def test_a_normalised_phone_that_passes_is_ascii_digits(text):
    phone = normalise_phone(text)
    try:
        validate_phone(phone)
    except ValidationError:
        return
    assert phone.isascii() and phone.isdigit()


# --- citizen IDs and tax codes ------------------------------------------------------------


def test_id_numbers_lose_their_separators_and_foreign_digits():
    assert normalise_id_number(" 001 090 000 001 ") == "001090000001"
    assert normalise_id_number("００１０９００００００１") == "001090000001"
    assert normalise_id_number("0101234567001") == "0101234567-001"
    assert normalise_id_number("0101234567 - 001") == "0101234567-001"


def test_a_citizen_id_has_twelve_digits():
    validate_citizen_id("001090000001")
    for number in ("00109000000", "0010900000011", "00109000000a", "١٢٣٤٥٦٧٨٩٠١٢"):
        assert messages(validate_citizen_id, number) == [
            "Số căn cước công dân (CCCD) gồm đúng 12 chữ số."
        ]


def test_the_old_nine_digit_card_is_refused_with_the_reason():
    for validator in (validate_citizen_id, validate_id_or_tax_code):
        assert "CMND" in messages(validator, "123456789")[0]


def test_a_tax_code_has_ten_digits_or_thirteen_for_a_branch():
    validate_tax_code("0101234567")
    validate_tax_code("0101234567-001")
    for code in ("010123456", "0101234567001", "001090000001"):
        messages(validate_tax_code, code)


def test_either_is_accepted_where_the_kind_is_not_known():
    for number in ("001090000001", "0101234567", "0101234567-001"):
        validate_id_or_tax_code(number)
    assert messages(validate_id_or_tax_code, "12ab") == [
        "Nhập số CCCD 12 chữ số hoặc mã số thuế 10 hay 13 chữ số."
    ]


@given(any_text)
def test_normalising_an_id_twice_changes_nothing(text):
    once = normalise_id_number(text)
    assert normalise_id_number(once) == once


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Nguyễn   Văn\tAn ", "Nguyễn Văn An"),
        ("Nguye\u0302\u0303n Va\u0306n An", "Nguyễn Văn An"),  # decomposed → NFC
        ("Nguyễn\u200b Văn\u2060 An\ufeff", "Nguyễn Văn An"),
        ("\u202eNguyễn Văn An\u202c", "Nguyễn Văn An"),
        ("\u2067Trần\u2069 \u200fThị\u200e \u061cBình", "Trần Thị Bình"),
        ("Lê\nThị\r\nCúc", "Lê Thị Cúc"),
        ("Công ty TNHH 3B", "Công ty TNHH 3B"),
    ],
)
def test_names_are_stored_visible_and_composed(typed, stored):
    assert normalise_name(typed) == stored
    validate_name(stored)


@pytest.mark.parametrize("typed", ["\u200b\u200b", "\u2060\ufeff", "\u202e\u202d", "\u3164", ""])
def test_a_name_of_invisible_characters_is_nothing(typed):
    assert normalise_name(typed) == ""


def test_a_name_needs_a_letter():
    assert messages(validate_name, "123 456") == ["Họ tên phải có ít nhất một chữ cái."]


def test_stacked_accent_marks_are_capped():
    validate_name("Nguyễn")
    validate_name(unicodedata.normalize("NFC", "A\u0301\u0323n"))  # two marks, one composes
    zalgo = normalise_name("An" + "\u0301" * 300)
    assert messages(validate_name, zalgo) == [
        "Mỗi chữ cái chỉ mang tối đa 2 dấu; vui lòng bỏ các dấu thừa."
    ]


def test_a_stored_name_with_invisible_characters_is_refused():
    assert "ký tự ẩn" in messages(validate_name, "Nguyễn\u200bAn")[0]


@given(any_text)
def test_normalising_a_name_twice_changes_nothing(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert not any(is_invisible(char) for char in once)
    assert unicodedata.is_normalized("NFC", once)
    assert once == once.strip() and "  " not in once


# --- the same rule in a form field, a serializer field and the migrations -----------------


@pytest.mark.parametrize(
    ("rule", "typed"),
    [
        (PHONE, "+84 912 345 678"),
        (PHONE, "0123456789"),
        (PHONE, "０９１２３４５６７８"),
        (CITIZEN_ID, "001 090 000 001"),
        (CITIZEN_ID, "123456789"),
        (NAME, "  Nguyễn\u200b Văn An "),
        (NAME, "\u200b\u200b"),
        (NAME, "A" + "\u0301" * 300),
    ],
)
def test_form_and_serializer_fields_agree(rule, typed):
    def form_verdict():
        try:
            return "ok", NormalisedFormField(rule).clean(typed)
        except ValidationError:
            return "refused", None

    def serializer_verdict():
        try:
            return "ok", NormalisedSerializerField(rule).run_validation(typed)
        except DRFValidationError:
            return "refused", None

    assert form_verdict() == serializer_verdict()


def test_the_serializer_field_puts_the_pattern_into_its_validators():
    # drf-spectacular turns a RegexValidator into the schema's "pattern".
    field = NormalisedSerializerField(PHONE)
    assert [v.regex.pattern for v in field.validators if hasattr(v, "regex")] == [
        r"^0(?:[35789][0-9]{8}|2[0-9]{9})$"
    ]


def test_the_validators_can_be_written_into_migrations():
    assert validate_phone.deconstruct() == ("core.validators.PhoneValidator", (), {})
    assert validate_name.deconstruct() == ("core.validators.NameValidator", (), {})
