"""The flat CSV form of the national record: one row per procedure, its desk-channel
limit and fees, lists joined with "; "."""

from .codes import MUCDO_BY_ONLINE_LEVEL, TEXT_BY_LEVEL, TEXT_BY_UNIT
from .terms import main_terms
from .writing import export_terms

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
