"""The national procedure record (CATALOGUE_FORMAT.md) mapped to and from the catalogue's
model values, and its flat CSV form.

Pure: nothing here touches the database, so the mapping is tested on its own. The record
text comes scraped from the national portal's pages, so every value is cleaned (white
space, NBSP, trailing dots, numbers written as text) and the cleaning is idempotent: a
record exported from the catalogue imports back to the same values.
"""

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.workdays import LimitUnit

from .models import (
    ApplicantType,
    Channel,
    Field,
    Level,
    OnlineLevel,
    Procedure,
    RequiredDocument,
)
from .search import fold

CSV_COLUMNS = [
    "MATTHC",
    "TENTTHC",
    "TENLINHVUC",
    "CAPTHUCHIEN",
    "THOIGIANGIAIQUYET",
    "DONVITINH",
    "PHILEPHI_SOTIEN",
    "MUCDO",
    "CANCUPHAPLY",
]
CSV_LIST_SEPARATOR = "; "
# Not in the national format: the catalogue's effective date travels under this extra key
# so that an export imports back whole (other systems ignore unknown keys).
EFFECTIVE_DATE_KEY = "NGAYHIEULUC"

CHANNEL_BY_CODE = {1: Channel.COUNTER.value, 2: Channel.ONLINE.value, 3: Channel.POST.value}
CODE_BY_CHANNEL = {channel: code for code, channel in CHANNEL_BY_CODE.items()}

UNIT_BY_TEXT = {
    "ngay lam viec": LimitUnit.WORKING_DAYS.value,
    "ngay": LimitUnit.CALENDAR_DAYS.value,
    "gio": LimitUnit.WORKING_HOURS.value,
    "gio lam viec": LimitUnit.WORKING_HOURS.value,
    "trong ngay": LimitUnit.SAME_DAY.value,
}
TEXT_BY_UNIT = {
    LimitUnit.WORKING_DAYS.value: "Ngày làm việc",
    LimitUnit.CALENDAR_DAYS.value: "Ngày",
    LimitUnit.WORKING_HOURS.value: "Giờ làm việc",
    LimitUnit.SAME_DAY.value: "Trong ngày",
}

LEVEL_BY_TEXT = {
    "cap xa": Level.COMMUNE.value,
    "cap phuong": Level.COMMUNE.value,
    "cap huyen": Level.DISTRICT.value,
    "cap quan": Level.DISTRICT.value,
    "cap tinh": Level.PROVINCE.value,
}
TEXT_BY_LEVEL = {
    Level.COMMUNE.value: "Cấp xã",
    Level.DISTRICT.value: "Cấp huyện",
    Level.PROVINCE.value: "Cấp tỉnh",
}
# A record may list several levels; the portal serves local desks, so the most local one
# listed is where a citizen goes.
LOCAL_FIRST = [Level.COMMUNE.value, Level.DISTRICT.value, Level.PROVINCE.value]

ONLINE_LEVEL_BY_MUCDO = {
    1: OnlineLevel.NONE.value,
    2: OnlineLevel.NONE.value,
    3: OnlineLevel.PARTIAL.value,
    4: OnlineLevel.FULL.value,
}
MUCDO_BY_ONLINE_LEVEL = {
    OnlineLevel.NONE.value: 2,
    OnlineLevel.PARTIAL.value: 3,
    OnlineLevel.FULL.value: 4,
}

VND = "VND"
_DONG_SPELLINGS = {"", "vnd", "dong", "d", "vn dong"}
_ORGANISATION_WORDS = ("doanh nghiep", "to chuc", "hop tac xa", "co quan")
_OPTIONAL_MARK = "nếu có"  # "(nếu có)": bring it only if it applies
MAX_LIMIT = Decimal(3650)
_CENT = Decimal("0.01")

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACE_LIKE = re.compile(r"[^\S\n]+")  # white space other than line breaks, NBSP included
_CUTOFF = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*(?:h|gio|:)\s*([0-5]\d)?(?!\d)")
_MONEY = re.compile(r"(\d[\d., ]*?)\s*(?:dong|vnd|d)?\.?")
_GROUPED_THOUSANDS = re.compile(r"\d{1,3}(?:[., ]\d{3})+")
_DECIMAL = re.compile(r"\d+(?:[.,]\d+)?")
_DONG_WRAPPER = re.compile(r"^Đồng\s*\((?P<inner>.*)\)$", re.DOTALL)
_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


class RecordError(ValueError):
    """A record that cannot be imported; the message says why, in the active language."""


@dataclass(frozen=True)
class FieldRef:
    name: str
    code: str  # a slug: the record's MALINHVUC, else the folded name


@dataclass
class ProcedureData:
    """One record read: the model values of the keys it carries (an absent key leaves the
    catalogue's value alone on update), its field, documents and the warnings raised."""

    code: str
    values: dict
    field: FieldRef | None = None
    documents: list | None = None  # None: the record lists no documents
    warnings: list = dataclasses.field(default_factory=list)


# -- cleaning -----------------------------------------------------------------------------


def clean_text(value):
    """Multi-line text tidied: NFC, no invisible characters, one space between words, no
    blank lines, no spaces at line ends."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", str(value)).replace("\r", "\n"))
    lines = (line.strip() for line in _SPACE_LIKE.sub(" ", text).split("\n"))
    return "\n".join(line for line in lines if line)


def clean_label(value):
    """A one-line name: clean_text on one line, without the trailing dot of scraped text."""
    return clean_text(value).replace("\n", " ").rstrip(" .")


def plain_number(amount):
    """ "7", "0.5", "100": a Decimal without exponent or trailing zeros."""
    return format(amount.normalize(), "f") if amount else "0"


def _json_number(text):
    """A stored amount written back as the JSON number the national format uses."""
    if text in (None, ""):
        return None
    amount = Decimal(text)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


# -- reading values of a record -------------------------------------------------------------


def _text(value, key):
    if value is None:
        return ""
    if isinstance(value, (bool, list, dict)):
        raise RecordError(_("%(key)s must be text.") % {"key": key})
    return clean_text(value)


def _label(value, key):
    return _text(value, key).replace("\n", " ").rstrip(" .")


def _items(value, key):
    """A list of the record; a single object is read as a list of one."""
    if value in (None, ""):
        return []
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise RecordError(_("%(key)s must be a list.") % {"key": key})
    return value


def _item_value(item, name, key):
    """``item[name]`` of a list entry; a bare string entry is taken as that value."""
    if isinstance(item, str):
        return item
    if not isinstance(item, dict):
        raise RecordError(_("Each entry of %(key)s must be an object.") % {"key": key})
    return item.get(name)


def _integer(value, key, default=None):
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise RecordError(_("%(key)s must be a whole number.") % {"key": key})
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise RecordError(
        _("%(key)s must be a whole number, not %(value)s.") % {"key": key, "value": repr(value)}
    )


def _count(value, key):
    count = _integer(value, key, default=0)
    if not 0 <= count <= 32767:
        raise RecordError(_("%(key)s must be between 0 and 32767.") % {"key": key})
    return count


def _boolean(value, key):
    if isinstance(value, bool) or value is None:
        return bool(value)
    folded = fold(str(value))
    if folded in {"1", "true", "co", "yes"}:
        return True
    if folded in {"0", "false", "khong", "no", ""}:
        return False
    raise RecordError(_("%(key)s must be true or false.") % {"key": key})


def _decimal(text):
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_limit(value, key="THOIGIANGIAIQUYET"):
    """A time limit amount: a number, possibly written as text ("7", "0,5"); None if blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise RecordError(_("%(key)s must be a number.") % {"key": key})
    if isinstance(value, str):
        text = value.strip()
        amount = _decimal(text.replace(",", ".")) if _DECIMAL.fullmatch(text) else None
    else:
        amount = _decimal(str(value))
    if amount is None or not amount.is_finite():
        raise RecordError(
            _("%(key)s must be a number, not %(value)s.") % {"key": key, "value": repr(value)}
        )
    if not 0 <= amount <= MAX_LIMIT:
        raise RecordError(
            _("%(key)s must be between 0 and %(max)s.") % {"key": key, "max": MAX_LIMIT}
        )
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_money(value, key="SOTIEN"):
    """A fee amount: a number, or text such as "70.000", "70.000 đồng"; None if blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise RecordError(_("%(key)s must be a number.") % {"key": key})
    amount = _decimal(str(value)) if isinstance(value, (int, float)) else _money_text(value)
    if amount is None or not amount.is_finite() or amount < 0:
        raise RecordError(
            _("%(key)s must be an amount of money, not %(value)s.")
            % {"key": key, "value": repr(value)}
        )
    return amount


def _money_text(text):
    match = _MONEY.fullmatch(fold(text))
    if not match:
        return None
    number = match.group(1).strip()
    if _GROUPED_THOUSANDS.fullmatch(number):
        return _decimal(re.sub(r"[., ]", "", number))
    return _decimal(number.replace(",", ".")) if _DECIMAL.fullmatch(number) else None


def parse_cutoff(note):
    """The same-day cut-off a note states ("trước 15 giờ", "15h", "15:00") as "HH:MM"."""
    match = _CUTOFF.search(fold(note))
    if not match:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"


def _parse_date(value, key):
    if value in (None, ""):
        return None
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    raise RecordError(_("%(key)s must be a date (YYYY-MM-DD).") % {"key": key})


# -- one record ---------------------------------------------------------------------------


def parse_record(raw):
    """The record as model values. Raises RecordError when it cannot be imported."""
    if not isinstance(raw, dict):
        raise RecordError(_("A record must be a JSON object."))
    code = _label(raw.get("MATTHC"), "MATTHC").replace(" ", "")
    name = _label(raw.get("TENTTHC"), "TENTTHC")
    if not code:
        raise RecordError(_("The record has no procedure code (MATTHC)."))
    if not name:
        raise RecordError(_("The record has no procedure name (TENTTHC)."))
    data = ProcedureData(code=code, values={"name": name})
    for key, read in _READERS.items():
        if key in raw:
            read(raw[key], data)
    _validate(data)
    return data


def code_of(raw):
    """The record's code for the report, whatever else is wrong with it."""
    if isinstance(raw, dict) and isinstance(raw.get("MATTHC"), (str, int, float)):
        return clean_label(raw["MATTHC"])
    return ""


def _read_field(value, data):
    for item in _items(value, "LINHVUCTHUCHIEN"):
        name = _label(_item_value(item, "TENLINHVUC", "LINHVUCTHUCHIEN"), "TENLINHVUC")
        if name:
            code = _label(item.get("MALINHVUC"), "MALINHVUC") if isinstance(item, dict) else ""
            data.field = FieldRef(name=name, code=field_code(code or name))
            return


def field_code(text):
    return slugify(fold(text))[:40] or "field"


def _read_level(value, data):
    labels = [
        _label(_item_value(item, "CAPTHUCHIEN", "CAPTHUCHIEN"), "CAPTHUCHIEN")
        for item in _items(value, "CAPTHUCHIEN")
    ]
    labels = [label for label in labels if label]
    if not labels:
        return
    found = {LEVEL_BY_TEXT.get(fold(label)) for label in labels}
    for level in LOCAL_FIRST:
        if level in found:
            data.values["level"] = level
            return
    raise RecordError(
        _("None of the levels %(levels)s is handled by a local unit (Cấp tỉnh, Cấp huyện, Cấp xã).")
        % {"levels": ", ".join(labels)}
    )


def _read_applicants(value, data):
    applicants = [
        _label(_item_value(item, "TENDOITUONG", "DOITUONGTHUCHIEN"), "TENDOITUONG")
        for item in _items(value, "DOITUONGTHUCHIEN")
    ]
    applicants = [applicant for applicant in applicants if applicant]
    data.values["applicants"] = applicants
    data.values["applicant_type"] = applicant_type(applicants)


def applicant_type(applicants):
    organisations = [any(word in fold(a) for word in _ORGANISATION_WORDS) for a in applicants]
    if organisations and all(organisations):
        return ApplicantType.ORGANISATION.value
    if organisations and not any(organisations):
        return ApplicantType.PERSON.value
    return ApplicantType.ANY.value


def _read_channels(value, data):
    merged = {}
    for item in _items(value, "CACHTHUCTHUCHIEN"):
        if not isinstance(item, dict):
            raise RecordError(_("Each entry of %(key)s must be an object.") % {"key": "KENH"})
        channel = CHANNEL_BY_CODE.get(_integer(item.get("KENH"), "KENH"))
        if channel is None:
            raise RecordError(
                _("KENH must be 1 (in person), 2 (online) or 3 (post), not %(value)s.")
                % {"value": repr(item.get("KENH"))}
            )
        entries = [_time_entry(entry, data) for entry in _items(item.get("THOIGIAN"), "THOIGIAN")]
        merged.setdefault(channel, []).extend(entries)
    terms = [_merge_channel(channel, entries) for channel, entries in merged.items()]
    data.values["channel_terms"] = terms
    data.values.update(default_terms_values(terms, data))


def _time_entry(entry, data):
    """One THOIGIAN entry: {"amount", "unit", "unit_text", "note", "fees"}."""
    if not isinstance(entry, dict):
        raise RecordError(_("Each entry of %(key)s must be an object.") % {"key": "THOIGIAN"})
    amount = parse_limit(entry.get("THOIGIANGIAIQUYET"))
    unit_text = _label(entry.get("DONVITINH"), "DONVITINH")
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
        "note": _text(entry.get("MOTA"), "MOTA"),
        "fees": [fee for fee in map(_fee, _items(entry.get("PHILEPHI"), "PHILEPHI")) if fee],
    }


def _fee(item):
    if not isinstance(item, dict):
        raise RecordError(_("Each entry of %(key)s must be an object.") % {"key": "PHILEPHI"})
    amount = parse_money(item.get("SOTIEN"))
    fee = {
        "code": _label(item.get("MAPHILEPHI"), "MAPHILEPHI"),
        "amount": None if amount is None else plain_number(amount),
        "currency": currency(_label(item.get("DONVI"), "DONVI")),
        "description": unwrap_dong(_text(item.get("MOTA"), "MOTA")),
    }
    return fee if fee["amount"] is not None or fee["description"] or fee["code"] else None


def currency(text):
    return VND if fold(text).replace(".", "") in _DONG_SPELLINGS else text


def unwrap_dong(description):
    """ "Đồng (Mức lệ phí …)" — the scraper glued the unit to the note — becomes the note."""
    match = _DONG_WRAPPER.match(description)
    return match.group("inner").strip() if match else description


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
    limit at all gets a same-day limit — the shortest the deadline rules know, so no
    citizen is promised a later date than the law would give — with a warning to check."""
    limit = limit_terms(channel_terms)
    main = main_terms(channel_terms)
    fees = main["fees"] if main else []
    values = {
        "time_limit_amount": Decimal(0),
        "time_limit_unit": LimitUnit.SAME_DAY.value,
        "same_day_cutoff": None,
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
        data.warnings.append(_("The record states no time limit: same day assumed, check it."))
    return values


def _read_steps(value, data):
    steps = []
    for group in _items(value, "TRINHTUTHUCHIEN"):
        if not isinstance(group, dict):
            raise RecordError(
                _("Each entry of %(key)s must be an object.") % {"key": "TRINHTUTHUCHIEN"}
            )
        texts = [
            _text(_item_value(step, "TENTRINHTU", "TRINHTU"), "TENTRINHTU")
            for step in _items(group.get("TRINHTU"), "TRINHTU")
        ]
        texts = [text for text in texts if text]
        if texts:
            steps.append({"case": _label(group.get("TRUONGHOP"), "TRUONGHOP"), "steps": texts})
    data.values["steps"] = steps


def _read_documents(value, data):
    documents = []
    for group in _items(value, "THANHPHANHOSO"):
        if not isinstance(group, dict):
            raise RecordError(
                _("Each entry of %(key)s must be an object.") % {"key": "THANHPHANHOSO"}
            )
        case = _label(group.get("TRUONGHOP"), "TRUONGHOP")
        for item in _items(group.get("GIAYTO"), "GIAYTO"):
            document = _document(item, case, data)
            if document:
                documents.append({**document, "order": len(documents)})
    data.documents = documents


def _document(item, case, data):
    if not isinstance(item, dict):
        raise RecordError(_("Each entry of %(key)s must be an object.") % {"key": "GIAYTO"})
    name = _label(item.get("TENGIAYTO"), "TENGIAYTO")
    if not name:
        data.warnings.append(_("A required document without a name was skipped."))
        return None
    url = _label(item.get("URL"), "URL")
    if url and not _is_web_address(url):
        data.warnings.append(
            _("The form link %(url)s is not a web address; dropped.") % {"url": url}
        )
        url = ""
    return {
        "case": case,
        "name": name,
        "originals": _count(item.get("SOBANCHINH"), "SOBANCHINH"),
        "copies": _count(item.get("SOBANSAO"), "SOBANSAO"),
        "form_name": _label(item.get("TENMAUDON"), "TENMAUDON"),
        "form_url": url,
        "is_required": _OPTIONAL_MARK not in name.lower(),
    }


def _is_web_address(url):
    try:
        _WEB_ADDRESS(url)
    except ValidationError:
        return False
    return len(url) <= RequiredDocument._meta.get_field("form_url").max_length


def _read_results(value, data):
    data.values["result"] = _joined_labels(value, "KETQUATHUCHIEN", "TENKETQUA")


def _read_agencies(value, data):
    data.values["handling_agency"] = _joined_labels(value, "COQUANTHUCHIEN", "TENDONVI")


def _joined_labels(value, key, name):
    labels = (_label(_item_value(item, name, key), name) for item in _items(value, key))
    return "\n".join(label for label in labels if label)


def _read_legal_basis(value, data):
    documents = []
    for item in _items(value, "CANCUPHAPLY"):
        number = _label(_item_value(item, "SOVANBAN", "CANCUPHAPLY"), "SOVANBAN")
        title = _label(item.get("TENVANBAN"), "TENVANBAN") if isinstance(item, dict) else ""
        if number or title:
            documents.append({"number": number, "title": title})
    data.values["legal_basis"] = documents


def _read_related(value, data):
    related = []
    for item in _items(value, "TTHCLIENQUAN"):
        code = _label(_item_value(item, "MATTHC", "TTHCLIENQUAN"), "MATTHC")
        name = _label(item.get("TENTTHC"), "TENTTHC") if isinstance(item, dict) else ""
        if code or name:
            related.append({"code": code, "name": name})
    data.values["related"] = related


def _read_online_level(value, data):
    mucdo = _integer(value, "MUCDO")
    if mucdo is None:
        return
    if mucdo not in ONLINE_LEVEL_BY_MUCDO:
        raise RecordError(_("MUCDO must be 2, 3 or 4, not %(value)s.") % {"value": mucdo})
    data.values["online_level"] = ONLINE_LEVEL_BY_MUCDO[mucdo]


def _read_status(value, data):
    status = _integer(value, "TRANGTHAI")
    if status is not None:
        data.values["published"] = status == 1


def _setter(model_field, read):
    def read_into(value, data):
        data.values[model_field] = read(value)

    return read_into


_READERS = {
    "LOAITTHC": _setter("kind", lambda value: _label(value, "LOAITTHC")),
    "TRANGTHAI": _read_status,
    "LINHVUCTHUCHIEN": _read_field,
    "CAPTHUCHIEN": _read_level,
    "DOITUONGTHUCHIEN": _read_applicants,
    "CACHTHUCTHUCHIEN": _read_channels,
    "TRINHTUTHUCHIEN": _read_steps,
    "THANHPHANHOSO": _read_documents,
    "KETQUATHUCHIEN": _read_results,
    "CANCUPHAPLY": _read_legal_basis,
    "COQUANTHUCHIEN": _read_agencies,
    "YEUCAU": _setter("conditions", lambda value: _text(value, "YEUCAU")),
    "MUCDO": _read_online_level,
    "LIENTHONG": _setter("inter_agency", lambda value: _boolean(value, "LIENTHONG")),
    "TTHCLIENQUAN": _read_related,
    "IDQUYETDINHCONGBO": _setter(
        "publication_decision", lambda value: _label(value, "IDQUYETDINHCONGBO")
    ),
    EFFECTIVE_DATE_KEY: _setter(
        "effective_date", lambda value: _parse_date(value, EFFECTIVE_DATE_KEY)
    ),
}


def _validate(data):
    """The model's own field rules (lengths, choices, ranges), so a record that the database
    would refuse is rejected with its reason before anything is written."""
    _check(Procedure, {"code": data.code, **data.values})
    if data.field:
        _check(Field, {"name": data.field.name, "code": data.field.code})
    for document in data.documents or []:
        _check(RequiredDocument, document)


def _check(model, values):
    problems = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        try:
            field.clean(value, None)
        except ValidationError as error:
            problems.append(f"{field.verbose_name}: {' '.join(error.messages)}")
    if problems:
        raise RecordError("; ".join(problems))


# -- writing records back -------------------------------------------------------------------


def procedure_record(procedure, documents):
    """The national record of a procedure (its field loaded) and its documents."""
    return {
        "MATTHC": procedure.code,
        "TENTTHC": procedure.name,
        "LOAITTHC": procedure.kind,
        "TRANGTHAI": 1 if procedure.published else 0,
        "LINHVUCTHUCHIEN": [
            {"MALINHVUC": procedure.field.code, "TENLINHVUC": procedure.field.name}
        ],
        "CAPTHUCHIEN": [{"CAPTHUCHIEN": TEXT_BY_LEVEL[procedure.level]}],
        "DOITUONGTHUCHIEN": [{"TENDOITUONG": name} for name in procedure.applicants or []],
        "CACHTHUCTHUCHIEN": [
            {"KENH": CODE_BY_CHANNEL[entry["channel"]], "THOIGIAN": [_time_record(entry)]}
            for entry in export_terms(procedure)
            if entry.get("channel") in CODE_BY_CHANNEL
        ],
        "TRINHTUTHUCHIEN": [
            {"TRUONGHOP": group.get("case", ""), "TRINHTU": _step_records(group)}
            for group in procedure.steps or []
        ],
        "THANHPHANHOSO": _document_groups(documents),
        "KETQUATHUCHIEN": [
            {"MAKETQUA": "", "TENKETQUA": line} for line in _lines(procedure.result)
        ],
        "CANCUPHAPLY": [
            {"SOVANBAN": item.get("number", ""), "TENVANBAN": item.get("title", "")}
            for item in procedure.legal_basis or []
        ],
        "COQUANTHUCHIEN": [
            {"MADONVI": "", "TENDONVI": line} for line in _lines(procedure.handling_agency)
        ],
        "YEUCAU": procedure.conditions,
        "MUCDO": MUCDO_BY_ONLINE_LEVEL[procedure.online_level],
        "LIENTHONG": procedure.inter_agency,
        "TTHCLIENQUAN": [
            {"MATTHC": item.get("code", ""), "TENTTHC": item.get("name", "")}
            for item in procedure.related or []
        ],
        "IDQUYETDINHCONGBO": procedure.publication_decision,
        EFFECTIVE_DATE_KEY: procedure.effective_date and procedure.effective_date.isoformat(),
    }


def _lines(text):
    return [line for line in (text or "").split("\n") if line.strip()]


def _step_records(group):
    return [{"TENTRINHTU": step} for step in group.get("steps", [])]


def export_terms(procedure):
    """The channel terms to write: the stored ones, or one desk entry built from the default
    limit and fees of a procedure entered by hand. A procedure whose terms are exactly
    what a record stating none gives writes none, so it imports back the same."""
    if procedure.channel_terms:
        return procedure.channel_terms
    fees = []
    if procedure.fee_amount or procedure.fee_description:
        fees = [
            {
                "code": "",
                "amount": plain_number(procedure.fee_amount),
                "currency": VND,
                "description": procedure.fee_description,
            }
        ]
    entry = {
        "channel": Channel.COUNTER.value,
        "amount": plain_number(procedure.time_limit_amount),
        "unit": procedure.time_limit_unit,
        "cutoff": procedure.same_day_cutoff and procedure.same_day_cutoff.strftime("%H:%M"),
        "note": procedure.time_limit_note,
        "fees": fees,
    }
    unstated = default_terms_values([])
    stated = any(getattr(procedure, name) != value for name, value in unstated.items())
    return [entry] if stated else []


def _time_record(entry):
    unit = entry.get("unit") or ""
    return {
        "THOIGIANGIAIQUYET": _json_number(entry.get("amount")),
        "DONVITINH": TEXT_BY_UNIT.get(unit) or entry.get("unit_text") or None,
        "MOTA": _note_with_cutoff(entry.get("note") or "", entry.get("cutoff")),
        "PHILEPHI": [
            {
                "MAPHILEPHI": fee.get("code", ""),
                "SOTIEN": _json_number(fee.get("amount")),
                "DONVI": "VNĐ" if fee.get("currency") == VND else fee.get("currency", ""),
                "MOTA": fee.get("description", ""),
            }
            for fee in entry.get("fees") or []
        ],
    }


def _note_with_cutoff(note, cutoff):
    """The note, stating the cut-off when the note alone would not give it back."""
    if not cutoff or parse_cutoff(note) == cutoff:
        return note
    return "\n".join(filter(None, [note, f"Tiếp nhận trước {cutoff}"]))


def _document_groups(documents):
    groups = []
    for document in documents:
        if not groups or groups[-1]["TRUONGHOP"] != document.case:
            groups.append({"TRUONGHOP": document.case, "GIAYTO": []})
        groups[-1]["GIAYTO"].append(
            {
                "MAGIAYTO": "",
                "TENGIAYTO": document.name,
                "SOBANCHINH": document.originals,
                "SOBANSAO": document.copies,
                "TENMAUDON": document.form_name,
                "URL": document.form_url,
            }
        )
    return groups


# -- the flat CSV ---------------------------------------------------------------------------


def _split(cell):
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def record_from_row(row):
    """The national record of one CSV row (a dict by column). Only the columns the file has
    are set, so a CSV updating a richer record leaves its other parts alone."""
    record = {"MATTHC": row.get("MATTHC"), "TENTTHC": row.get("TENTTHC")}
    if _split(row.get("TENLINHVUC")):
        record["LINHVUCTHUCHIEN"] = [
            {"MALINHVUC": "", "TENLINHVUC": name} for name in _split(row["TENLINHVUC"])
        ]
    if _split(row.get("CAPTHUCHIEN")):
        record["CAPTHUCHIEN"] = [{"CAPTHUCHIEN": level} for level in _split(row["CAPTHUCHIEN"])]
    if {"THOIGIANGIAIQUYET", "DONVITINH", "PHILEPHI_SOTIEN"} & row.keys():
        fees = [{"SOTIEN": amount, "DONVI": "VNĐ"} for amount in _split(row.get("PHILEPHI_SOTIEN"))]
        limit = {
            "THOIGIANGIAIQUYET": row.get("THOIGIANGIAIQUYET") or None,
            "DONVITINH": row.get("DONVITINH") or None,
            "PHILEPHI": fees,
        }
        record["CACHTHUCTHUCHIEN"] = [{"KENH": 1, "THOIGIAN": [limit]}]
    if (row.get("MUCDO") or "").strip():
        record["MUCDO"] = row["MUCDO"]
    if "CANCUPHAPLY" in row:
        record["CANCUPHAPLY"] = [_legal_item(item) for item in _split(row["CANCUPHAPLY"])]
    return record


def _legal_item(text):
    """ "123/2015/NĐ-CP Nghị định …" → number and title; a document number holds a "/"."""
    number, _space, title = text.partition(" ")
    if "/" in number:
        return {"SOVANBAN": number, "TENVANBAN": title}
    return {"SOVANBAN": "", "TENVANBAN": text}


def procedure_row(procedure):
    """The CSV row of a procedure: its desk-channel limit and fees, one legal basis per
    item."""
    main = main_terms(export_terms(procedure)) or {}
    unit = main.get("unit") or ""
    return {
        "MATTHC": procedure.code,
        "TENTTHC": procedure.name,
        "TENLINHVUC": procedure.field.name,
        "CAPTHUCHIEN": TEXT_BY_LEVEL[procedure.level],
        "THOIGIANGIAIQUYET": main.get("amount") or "",
        "DONVITINH": TEXT_BY_UNIT.get(unit) or main.get("unit_text") or "",
        "PHILEPHI_SOTIEN": CSV_LIST_SEPARATOR.join(
            fee["amount"] for fee in main.get("fees") or [] if fee.get("amount") is not None
        ),
        "MUCDO": MUCDO_BY_ONLINE_LEVEL[procedure.online_level],
        "CANCUPHAPLY": CSV_LIST_SEPARATOR.join(
            f"{item.get('number', '')} {item.get('title', '')}".strip()
            for item in procedure.legal_basis or []
        ),
    }
