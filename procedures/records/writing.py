"""The national record written back from a procedure, so that an export imports back to
the same values."""

from decimal import Decimal

from ..models import Channel
from .amounts import parse_cutoff, plain_number
from .codes import (
    CODE_BY_CHANNEL,
    EFFECTIVE_DATE_KEY,
    MUCDO_BY_ONLINE_LEVEL,
    TEXT_BY_LEVEL,
    TEXT_BY_UNIT,
    VND,
)
from .terms import default_terms_values


def _json_number(text):
    """A stored amount written back as the JSON number the national format uses."""
    if text in (None, ""):
        return None
    amount = Decimal(text)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


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
