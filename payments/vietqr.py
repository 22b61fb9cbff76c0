"""VietQR (NAPAS) interbank transfer payloads, EMVCo merchant-presented mode.

Banking apps scan the payload and prefill the transfer, so every field must be
exactly what NAPAS expects; anything doubtful is refused with a ValueError here
rather than by the payer's app.
"""

import re

NAPAS_GUID = "A000000727"
SERVICE_TRANSFER_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
FORMAT_VERSION = "01"
STATIC = "11"
DYNAMIC = "12"
CRC_ID = "63"
CRC_LENGTH = "04"

MAX_VALUE_LENGTH = 99
MAX_AMOUNT_DIGITS = 13
MAX_REFERENCE_LENGTH = 25

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[A-Za-z0-9]{1,19}")
_REFERENCE = re.compile(r"[A-Za-z0-9 ._/-]+")
_HEX4 = re.compile(r"[0-9A-F]{4}")
_DIGITS2 = re.compile(r"[0-9]{2}")

# Templates whose value is itself TLV, each with the sub-templates nested inside it.
_TEMPLATES = {"38": {"01"}, "62": set()}


def _crc_table() -> tuple[int, ...]:
    """Precompute the 256 byte steps so the checksum costs one lookup per byte."""
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return tuple(table)


_TABLE = _crc_table()


def crc16_ccitt(data: str) -> str:
    """CRC-16/CCITT-FALSE as the 4 uppercase hex digits EMVCo field 63 carries."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc = ((crc << 8) & 0xFFFF) ^ _TABLE[(crc >> 8) ^ byte]
    return f"{crc:04X}"


def _field(field_id: str, value: str) -> str:
    """One TLV field; the two-digit length caps every value at 99 characters."""
    if len(value) > MAX_VALUE_LENGTH:
        raise ValueError(
            f"Field {field_id} is {len(value)} characters long; at most "
            f"{MAX_VALUE_LENGTH} fit in a VietQR field."
        )
    return f"{field_id}{len(value):02d}{value}"


def _check_bin(bin: str) -> None:
    if not isinstance(bin, str) or not _BIN.fullmatch(bin):
        raise ValueError(f"The bank BIN must be exactly 6 digits, got {bin!r}.")


def _check_account(account: str) -> None:
    if not isinstance(account, str) or not _ACCOUNT.fullmatch(account):
        raise ValueError(f"The account number must be 1 to 19 letters or digits, got {account!r}.")


def _check_amount(amount: int | None) -> None:
    if amount is None:
        return
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"The amount must be a whole number of đồng, got {amount!r}.")
    if amount <= 0 or len(str(amount)) > MAX_AMOUNT_DIGITS:
        raise ValueError(
            f"The amount must be positive and at most {MAX_AMOUNT_DIGITS} digits, got {amount}."
        )


def _check_reference(reference: str) -> None:
    """Banking apps reject diacritics, so only plain ASCII survives the transfer."""
    if not isinstance(reference, str) or not reference:
        raise ValueError("The transfer reference must not be empty.")
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise ValueError(
            f"The transfer reference must be at most {MAX_REFERENCE_LENGTH} characters, "
            f"got {len(reference)}."
        )
    if not _REFERENCE.fullmatch(reference):
        raise ValueError(
            "The transfer reference may only hold ASCII letters, digits, spaces and "
            f"'-._/' (no Vietnamese diacritics), got {reference!r}."
        )


def _merchant_account(bin: str, account: str) -> str:
    beneficiary = _field("00", bin) + _field("01", account)
    return (
        _field("00", NAPAS_GUID)
        + _field("01", beneficiary)
        + _field("02", SERVICE_TRANSFER_TO_ACCOUNT)
    )


def build_payload(bin: str, account: str, amount: int | None, reference: str) -> str:
    """The QR text for a transfer; dynamic (amount fixed) when an amount is given."""
    _check_bin(bin)
    _check_account(account)
    _check_amount(amount)
    _check_reference(reference)
    parts = [
        _field("00", FORMAT_VERSION),
        _field("01", STATIC if amount is None else DYNAMIC),
        _field("38", _merchant_account(bin, account)),
        _field("53", CURRENCY_VND),
    ]
    if amount is not None:
        parts.append(_field("54", str(amount)))
    parts += [_field("58", COUNTRY_VN), _field("62", _field("08", reference))]
    body = "".join(parts) + CRC_ID + CRC_LENGTH
    return body + crc16_ccitt(body)


def _split_tlv(text: str) -> dict[str, str]:
    """Cut TLV text into id -> value, refusing anything truncated or repeated."""
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        header = text[pos : pos + 4]
        if not (_DIGITS2.fullmatch(header[:2]) and _DIGITS2.fullmatch(header[2:])):
            raise ValueError(f"Broken TLV header {header!r} at position {pos}.")
        field_id, length = header[:2], int(header[2:])
        value = text[pos + 4 : pos + 4 + length]
        if len(value) != length:
            raise ValueError(f"Field {field_id} at position {pos} is cut short.")
        if field_id in fields:
            raise ValueError(f"Field {field_id} appears twice.")
        fields[field_id] = value
        pos += 4 + length
    return fields


def _check_crc(payload: str) -> None:
    """The CRC must be the last field and match, so a tampered code is refused."""
    crc_start = len(payload) - 4
    if crc_start < 4 or payload[crc_start - 4 : crc_start] != CRC_ID + CRC_LENGTH:
        raise ValueError("The payload does not end with a CRC field (6304….).")
    crc = payload[crc_start:]
    if not _HEX4.fullmatch(crc):
        raise ValueError(f"The CRC {crc!r} is not 4 uppercase hex digits.")
    expected = crc16_ccitt(payload[:crc_start])
    if crc != expected:
        raise ValueError(f"CRC mismatch: the payload says {crc}, its content gives {expected}.")


def parse_payload(payload: str) -> dict:
    """Decode a payload into nested id -> value dicts, after checking its CRC."""
    if not isinstance(payload, str):
        raise ValueError("The payload must be a string.")
    _check_crc(payload)
    fields: dict = _split_tlv(payload)
    if list(fields)[-1] != CRC_ID:
        raise ValueError("The CRC field is not the last field of the payload.")
    for template_id, nested in _TEMPLATES.items():
        if template_id in fields:
            inner: dict = _split_tlv(fields[template_id])
            for nested_id in nested & inner.keys():
                inner[nested_id] = _split_tlv(inner[nested_id])
            fields[template_id] = inner
    return fields
