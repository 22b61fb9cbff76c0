"""The channel terms of a record (CACHTHUCTHUCHIEN): per channel its time limit, note and
fees, and the procedure's default limit and fees drawn from them."""

from datetime import time
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.workdays import LimitUnit

from ..models import Channel
from ..search import fold
from .amounts import currency, parse_cutoff, parse_limit, parse_money, plain_number, unwrap_dong
from .codes import CHANNEL_BY_CODE, UNIT_BY_TEXT, VND
from .reading import RecordError, read_integer, read_items, read_label, read_text


def read_channels(value, data):
    merged = {}
    for item in read_items(value, "CACHTHUCTHUCHIEN"):
        if not isinstance(item, dict):
            raise RecordError(_("Each entry of %(key)s must be an object.") % {"key": "KENH"})
        channel = CHANNEL_BY_CODE.get(read_integer(item.get("KENH"), "KENH"))
        if channel is None:
            raise RecordError(
                _("KENH must be 1 (in person), 2 (online) or 3 (post), not %(value)s.")
                % {"value": repr(item.get("KENH"))}
            )
        entries = [
            _time_entry(entry, data) for entry in read_items(item.get("THOIGIAN"), "THOIGIAN")
        ]
        merged.setdefault(channel, []).extend(entries)
    terms = [_merge_channel(channel, entries) for channel, entries in merged.items()]
    data.values["channel_terms"] = terms
    data.values.update(default_terms_values(terms, data))


def _time_entry(entry, data):
    """One THOIGIAN entry: {"amount", "unit", "unit_text", "note", "fees"}."""
    if not isinstance(entry, dict):
        raise RecordError(_("Each entry of %(key)s must be an object.") % {"key": "THOIGIAN"})
    amount = parse_limit(entry.get("THOIGIANGIAIQUYET"))
    unit_text = read_label(entry.get("DONVITINH"), "DONVITINH")
    unit = UNIT_BY_TEXT.get(fold(unit_text), "")
    if unit == LimitUnit.SAME_DAY or (amount == 0 and (unit or not unit_text)):
        # "Trong ngày", or a 0 limit: handled on the day of receipt.
        unit, amount = LimitUnit.SAME_DAY.value, Decimal(0)
    elif unit_text and not unit:
        data.warnings.append(
            _("Unknown time unit %(unit)s: the limit is kept as a note, not used for deadlines.")
            % {"unit": repr(unit_text)}
        )
    elif amount is not None and not unit_text:
        unit = LimitUnit.WORKING_DAYS.value
        data.warnings.append(_("A time limit without a unit was read as working days."))
    elif amount is None:
        unit = ""  # a unit without an amount states no limit
    return {
        "amount": None if amount is None else plain_number(amount),
        "unit": unit,
        "unit_text": "" if unit else unit_text,
        "note": read_text(entry.get("MOTA"), "MOTA"),
        "fees": [fee for fee in map(_fee, read_items(entry.get("PHILEPHI"), "PHILEPHI")) if fee],
    }


def _fee(item):
    if not isinstance(item, dict):
        raise RecordError(_("Each entry of %(key)s must be an object.") % {"key": "PHILEPHI"})
    amount = parse_money(item.get("SOTIEN"))
    fee = {
        "code": read_label(item.get("MAPHILEPHI"), "MAPHILEPHI"),
        "amount": None if amount is None else plain_number(amount),
        "currency": currency(read_label(item.get("DONVI"), "DONVI")),
        "description": unwrap_dong(read_text(item.get("MOTA"), "MOTA")),
    }
    return fee if fee["amount"] is not None or fee["description"] or fee["code"] else None


def _merge_channel(channel, entries):
    """One entry per channel. A channel listing several time entries (sub-steps of the
    handling) keeps the first stated limit, and every note and fee."""
    stated = next((e for e in entries if e["unit"]), None)
    limit = stated or next((e for e in entries if e["amount"] or e["unit_text"]), None)
    note = "\n".join(e["note"] for e in entries if e["note"])
    terms = {
        "channel": channel,
        "amount": limit["amount"] if limit else None,
        "unit": limit["unit"] if limit else "",
        "cutoff": None,
        "note": note,
        "fees": [fee for entry in entries for fee in entry["fees"]],
    }
    if terms["unit"] == LimitUnit.SAME_DAY:
        terms["cutoff"] = parse_cutoff(note)
    if limit and limit["unit_text"]:
        terms["unit_text"] = limit["unit_text"]
    return terms


def main_terms(channel_terms):
    """The entry of the desk (counter) channel, else the first listed; None if none."""
    entries = [e for e in channel_terms or [] if isinstance(e, dict)]
    counter = next((e for e in entries if e.get("channel") == Channel.COUNTER), None)
    return counter or (entries[0] if entries else None)


def limit_terms(channel_terms):
    """The entry whose limit is the procedure's default: the desk's if it states one, else
    the first that does."""
    main = main_terms(channel_terms)
    if main and main.get("unit"):
        return main
    return next((e for e in channel_terms or [] if isinstance(e, dict) and e.get("unit")), None)


def default_terms_values(channel_terms, data=None):
    """The procedure's default limit and fees from its channel terms. A record stating no
    limit at all is marked "not stated" (no limit is invented for it): the catalogue
    officer is warned and the procedure cannot be received until a limit is set."""
    limit = limit_terms(channel_terms)
    main = main_terms(channel_terms)
    fees = main["fees"] if main else []
    values = {
        "time_limit_amount": Decimal(0),
        "time_limit_unit": LimitUnit.SAME_DAY.value,
        "same_day_cutoff": None,
        "time_limit_stated": limit is not None,
        "time_limit_note": main["note"] if main else "",
        "fee_amount": next(
            (Decimal(f["amount"]) for f in fees if f["currency"] == VND and f["amount"]),
            Decimal(0),
        ).quantize(Decimal(1), rounding=ROUND_HALF_UP),
        "fee_description": "\n".join(f["description"] for f in fees if f["description"]),
    }
    if limit:
        values["time_limit_amount"] = Decimal(limit["amount"] or 0)
        values["time_limit_unit"] = limit["unit"]
        values["same_day_cutoff"] = limit["cutoff"] and time.fromisoformat(limit["cutoff"])
        values["time_limit_note"] = limit["note"]
    elif data is not None:
        data.warnings.append(
            _("The record states no time limit: marked as not stated; set one before intake.")
        )
    return values
