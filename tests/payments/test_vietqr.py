import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.vietqr import build_payload, crc16_ccitt, parse_payload

BIN = "970436"
ACCOUNT = "0011001932418"


def bitwise_crc(data: str) -> str:
    """CRC-16/CCITT-FALSE bit by bit, independent of the module's lookup table."""
    crc = 0xFFFF
    for byte in data.encode("ascii"):
        for bit in range(7, -1, -1):
            top = (crc >> 15) ^ ((byte >> bit) & 1)
            crc = (crc << 1) & 0xFFFF
            if top:
                crc ^= 0x1021
    return format(crc, "04X")


def decode(text: str) -> list[tuple[str, str]]:
    """Read TLV fields in order, asserting each length fits the text."""
    fields = []
    while text:
        field_id, length = text[:2], int(text[2:4])
        value, text = text[4 : 4 + length], text[4 + length :]
        assert len(value) == length
        fields.append((field_id, value))
    return fields


def test_a_dynamic_payload_decodes_field_by_field():
    payload = build_payload(BIN, ACCOUNT, 150000, "HS-2024/001 le.phi")
    fields = decode(payload)
    assert [field_id for field_id, _ in fields] == [
        "00", "01", "38", "53", "54", "58", "62", "63",
    ]  # fmt: skip
    values = dict(fields)
    assert values["00"] == "01"
    assert values["01"] == "12"
    assert values["53"] == "704"
    assert values["54"] == "150000"
    assert values["58"] == "VN"
    merchant = decode(values["38"])
    assert merchant[0] == ("00", "A000000727")
    assert merchant[1][0] == "01"
    assert decode(merchant[1][1]) == [("00", BIN), ("01", ACCOUNT)]
    assert merchant[2] == ("02", "QRIBFTTA")
    assert len(merchant) == 3
    assert decode(values["62"]) == [("08", "HS-2024/001 le.phi")]
    assert payload[-8:-4] == "6304"
    assert values["63"] == bitwise_crc(payload[:-4])


def test_a_static_payload_has_no_amount():
    values = dict(decode(build_payload(BIN, ACCOUNT, None, "PHI")))
    assert values["01"] == "11"
    assert "54" not in values


def test_a_known_payload_character_for_character():
    body = (
        "000201" "010212"
        "3847" "0010A000000727" "0117" "0006970436" "0103123" "0208QRIBFTTA"
        "5303704" "54041000" "5802VN" "6205" "0801A"
        "6304"
    )  # fmt: skip
    assert build_payload("970436", "123", 1000, "A") == body + bitwise_crc(body)


# A payload published with an open-source VietQR generator (github.com/subiz/vietqr,
# README): 120,000 đồng to account 0011001932418 at BIN 970415, "ung ho lu lut".
PUBLISHED = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
    "530370454061200005802VN62170813ung ho lu lut6304C15C"
)


def test_a_published_example_is_reproduced_and_decoded():
    assert build_payload("970415", "0011001932418", 120000, "ung ho lu lut") == PUBLISHED
    fields = parse_payload(PUBLISHED)
    assert fields["38"]["01"] == {"00": "970415", "01": "0011001932418"}
    assert (fields["54"], fields["62"]["08"], fields["63"]) == ("120000", "ung ho lu lut", "C15C")
    assert bitwise_crc(PUBLISHED[:-4]) == "C15C"


def test_build_then_parse_round_trips():
    payload = build_payload(BIN, ACCOUNT, 2500000, "Ho so 123")
    assert parse_payload(payload) == {
        "00": "01",
        "01": "12",
        "38": {
            "00": "A000000727",
            "01": {"00": BIN, "01": ACCOUNT},
            "02": "QRIBFTTA",
        },
        "53": "704",
        "54": "2500000",
        "58": "VN",
        "62": {"08": "Ho so 123"},
        "63": payload[-4:],
    }


def test_the_crc_check_value():
    assert crc16_ccitt("123456789") == "29B1"
    assert bitwise_crc("123456789") == "29B1"


@given(st.text(st.characters(codec="ascii"), max_size=200))
def test_the_crc_agrees_with_the_bitwise_one(text):
    assert crc16_ccitt(text) == bitwise_crc(text)


ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@given(
    bin=st.text("0123456789", min_size=6, max_size=6),
    account=st.text(ALNUM, min_size=1, max_size=19),
    amount=st.none() | st.integers(1, 10**13 - 1),
    reference=st.text(ALNUM + " -._/", min_size=1, max_size=25),
)
def test_every_valid_transfer_round_trips(bin, account, amount, reference):
    payload = build_payload(bin, account, amount, reference)
    parsed = parse_payload(payload)
    assert parsed["38"]["01"] == {"00": bin, "01": account}
    assert parsed.get("54") == (None if amount is None else str(amount))
    assert parsed["01"] == ("11" if amount is None else "12")
    assert parsed["62"] == {"08": reference}
    assert parsed["63"] == bitwise_crc(payload[:-4])


@pytest.mark.parametrize(
    ("bin", "account", "amount", "reference", "message"),
    [
        ("97043", ACCOUNT, 1000, "A", "BIN"),
        ("9704361", ACCOUNT, 1000, "A", "BIN"),
        ("97043a", ACCOUNT, 1000, "A", "BIN"),
        ("٩٧٠٤٣٦", ACCOUNT, 1000, "A", "BIN"),
        (BIN, "", 1000, "A", "account"),
        (BIN, "1" * 20, 1000, "A", "account"),
        (BIN, "0011-0019", 1000, "A", "account"),
        (BIN, "tàikhoản", 1000, "A", "account"),
        (BIN, ACCOUNT, 0, "A", "amount"),
        (BIN, ACCOUNT, -5, "A", "amount"),
        (BIN, ACCOUNT, 10**13, "A", "amount"),
        (BIN, ACCOUNT, 1000.0, "A", "amount"),
        (BIN, ACCOUNT, True, "A", "amount"),
        (BIN, ACCOUNT, 1000, "", "reference"),
        (BIN, ACCOUNT, 1000, "A" * 26, "reference"),
        (BIN, ACCOUNT, 1000, "Lệ phí hồ sơ", "diacritics"),
        (BIN, ACCOUNT, 1000, "HS#1", "reference"),
        (BIN, ACCOUNT, 1000, "HS\n1", "reference"),
    ],
)
def test_invalid_inputs_are_refused(bin, account, amount, reference, message):
    with pytest.raises(ValueError, match=message):
        build_payload(bin, account, amount, reference)


def test_a_tampered_payload_is_refused():
    payload = build_payload(BIN, ACCOUNT, 150000, "HS 1")
    position = payload.index("150000")
    tampered = payload[:position] + "9" + payload[position + 1 :]
    with pytest.raises(ValueError, match="CRC"):
        parse_payload(tampered)


@given(st.data())
def test_changing_any_one_character_is_refused(data):
    payload = build_payload(BIN, ACCOUNT, 150000, "HS 1")
    position = data.draw(st.integers(0, len(payload) - 1))
    other = data.draw(st.characters(codec="ascii").filter(lambda c: c != payload[position]))
    with pytest.raises(ValueError):
        parse_payload(payload[:position] + other + payload[position + 1 :])


def test_a_lowercase_crc_is_refused():
    payloads = (build_payload(BIN, ACCOUNT, None, f"X{n}") for n in range(100))
    payload = next(p for p in payloads if not p[-4:].isdigit())
    with pytest.raises(ValueError, match="uppercase"):
        parse_payload(payload[:-4] + payload[-4:].lower())


def signed(body: str) -> str:
    """Append a correct CRC so that only the structure can be at fault."""
    return body + "6304" + bitwise_crc(body + "6304")


@pytest.mark.parametrize(
    "body",
    [
        "000201" "0110ab",
        "000201" "01xx12",
        "000201" "0",
        "000201" "000201",
        "000201" "3808" "0010A000",
        "000201" "6204" "0810",
    ],
)  # fmt: skip
def test_a_broken_structure_is_refused_despite_a_good_crc(body):
    with pytest.raises(ValueError):
        parse_payload(signed(body))


def test_a_payload_without_crc_is_refused():
    payload = build_payload(BIN, ACCOUNT, None, "X")
    for broken in (payload[:-8], payload[:-1], "", "6304"):
        with pytest.raises(ValueError):
            parse_payload(broken)
