"""VND amounts in Vietnamese words, as printed on receipts next to the figures."""

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
BILLION = 1_000_000_000
# Groups of three digits below a billion, highest first; "tỷ" repeats above that.
SCALES = ((1_000_000, "triệu"), (1_000, "nghìn"), (1, ""))


def _units(unit: int, tens: int) -> str:
    """The last digit changes sound after a tens digit: mốt, lăm."""
    if unit == 1 and tens >= 2:
        return "mốt"
    if unit == 5 and tens >= 1:
        return "lăm"
    return DIGITS[unit]


def _tens_and_units(tens: int, unit: int, after_hundreds: bool) -> list[str]:
    if tens == 0:
        if unit == 0:
            return []
        return ["linh", DIGITS[unit]] if after_hundreds else [DIGITS[unit]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if unit:
        words.append(_units(unit, tens))
    return words


def _group(number: int, inner: bool) -> list[str]:
    """Read 1..999; inside a larger number the hundreds are spoken even when zero."""
    hundreds, rest = divmod(number, 100)
    tens, unit = divmod(rest, 10)
    words = []
    if hundreds or inner:
        words += [DIGITS[hundreds], "trăm"]
    return words + _tens_and_units(tens, unit, after_hundreds=bool(words))


def _below_billion(number: int, inner: bool) -> list[str]:
    """Zero groups are skipped; every group after the first counts as inner."""
    words: list[str] = []
    for scale, name in SCALES:
        group = (number // scale) % 1000
        if group:
            words += _group(group, inner or bool(words))
            if name:
                words.append(name)
    return words


def _words(number: int) -> list[str]:
    if number < BILLION:
        return _below_billion(number, inner=False)
    billions, rest = divmod(number, BILLION)
    return [*_words(billions), "tỷ", *_below_billion(rest, inner=True)]


def amount_in_words(amount: int) -> str:
    """The amount as a receipt spells it, e.g. "Mười lăm nghìn đồng"."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"The amount must be a whole number of đồng, got {amount!r}.")
    if amount < 0:
        raise ValueError(f"The amount must not be negative, got {amount}.")
    words = _words(amount) or [DIGITS[0]]
    text = " ".join([*words, "đồng"])
    return text[0].upper() + text[1:]
