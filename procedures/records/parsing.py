"""One national record read into the catalogue's model values (``parse_record``), checked
against the models' own field rules before anything is written."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..models import ApplicantType, DocumentKind, Field, Procedure, RequiredDocument
from ..search import fold
from .codes import EFFECTIVE_DATE_KEY, LEVEL_BY_TEXT, LOCAL_FIRST, ONLINE_LEVEL_BY_MUCDO
from .kinds import document_kind
from .reading import (
    FieldRef,
    ProcedureData,
    RecordError,
    clean_label,
    item_value,
    read_boolean,
    read_count,
    read_date,
    read_integer,
    read_items,
    read_label,
    read_text,
)
from .terms import read_channels

_ORGANISATION_WORDS = ("doanh nghiep", "to chuc", "hop tac xa", "co quan")
_OPTIONAL_MARK = "nếu có"  # "(nếu có)": bring it only if it applies
_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def parse_record(raw):
    """The record as model values. Raises RecordError when it cannot be imported."""
    if not isinstance(raw, dict):
        raise RecordError(_("A record must be a JSON object."))
    code = read_label(raw.get("MATTHC"), "MATTHC").replace(" ", "")
    name = read_label(raw.get("TENTTHC"), "TENTTHC")
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
    for item in read_items(value, "LINHVUCTHUCHIEN"):
        name = read_label(item_value(item, "TENLINHVUC", "LINHVUCTHUCHIEN"), "TENLINHVUC")
        if name:
            code = read_label(item.get("MALINHVUC"), "MALINHVUC") if isinstance(item, dict) else ""
            data.field = FieldRef(name=name, code=field_code(code or name))
            return


def field_code(text):
    return slugify(fold(text))[:40] or "field"


def _read_level(value, data):
    labels = [
        read_label(item_value(item, "CAPTHUCHIEN", "CAPTHUCHIEN"), "CAPTHUCHIEN")
        for item in read_items(value, "CAPTHUCHIEN")
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
        read_label(item_value(item, "TENDOITUONG", "DOITUONGTHUCHIEN"), "TENDOITUONG")
        for item in read_items(value, "DOITUONGTHUCHIEN")
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


def _read_steps(value, data):
    steps = []
    for group in read_items(value, "TRINHTUTHUCHIEN"):
        if not isinstance(group, dict):
            raise RecordError(
                _("Each entry of %(key)s must be an object.") % {"key": "TRINHTUTHUCHIEN"}
            )
        texts = [
            read_text(item_value(step, "TENTRINHTU", "TRINHTU"), "TENTRINHTU")
            for step in read_items(group.get("TRINHTU"), "TRINHTU")
        ]
        texts = [text for text in texts if text]
        if texts:
            steps.append({"case": read_label(group.get("TRUONGHOP"), "TRUONGHOP"), "steps": texts})
    data.values["steps"] = steps


def _read_documents(value, data):
    documents = []
    for group in read_items(value, "THANHPHANHOSO"):
        if not isinstance(group, dict):
            raise RecordError(
                _("Each entry of %(key)s must be an object.") % {"key": "THANHPHANHOSO"}
            )
        case = read_label(group.get("TRUONGHOP"), "TRUONGHOP")
        for item in read_items(group.get("GIAYTO"), "GIAYTO"):
            document = _document(item, case, data)
            if document:
                documents.append({**document, "order": len(documents)})
    data.documents = documents


def _document(item, case, data):
    if not isinstance(item, dict):
        raise RecordError(_("Each entry of %(key)s must be an object.") % {"key": "GIAYTO"})
    name = read_label(item.get("TENGIAYTO"), "TENGIAYTO")
    if not name:
        data.warnings.append(_("A required document without a name was skipped."))
        return None
    url = read_label(item.get("URL"), "URL")
    if url and not _is_web_address(url):
        data.warnings.append(
            _("The form link %(url)s is not a web address; dropped.") % {"url": url}
        )
        url = ""
    originals = read_count(item.get("SOBANCHINH"), "SOBANCHINH")
    copies = read_count(item.get("SOBANSAO"), "SOBANSAO")
    kind = document_kind(case, name, originals, copies)
    return {
        "case": case,
        "name": name,
        "originals": originals,
        "copies": copies,
        "form_name": read_label(item.get("TENMAUDON"), "TENMAUDON"),
        "form_url": url,
        "is_required": kind == DocumentKind.DOCUMENT and _OPTIONAL_MARK not in name.lower(),
        "kind": kind,
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
    labels = (read_label(item_value(item, name, key), name) for item in read_items(value, key))
    return "\n".join(label for label in labels if label)


def _read_legal_basis(value, data):
    documents = []
    for item in read_items(value, "CANCUPHAPLY"):
        number = read_label(item_value(item, "SOVANBAN", "CANCUPHAPLY"), "SOVANBAN")
        title = read_label(item.get("TENVANBAN"), "TENVANBAN") if isinstance(item, dict) else ""
        if number or title:
            documents.append({"number": number, "title": title})
    data.values["legal_basis"] = documents


def _read_related(value, data):
    related = []
    for item in read_items(value, "TTHCLIENQUAN"):
        code = read_label(item_value(item, "MATTHC", "TTHCLIENQUAN"), "MATTHC")
        name = read_label(item.get("TENTTHC"), "TENTTHC") if isinstance(item, dict) else ""
        if code or name:
            related.append({"code": code, "name": name})
    data.values["related"] = related


def _read_online_level(value, data):
    mucdo = read_integer(value, "MUCDO")
    if mucdo is None:
        return
    if mucdo not in ONLINE_LEVEL_BY_MUCDO:
        raise RecordError(_("MUCDO must be 2, 3 or 4, not %(value)s.") % {"value": mucdo})
    data.values["online_level"] = ONLINE_LEVEL_BY_MUCDO[mucdo]


def _read_status(value, data):
    status = read_integer(value, "TRANGTHAI")
    if status is not None:
        data.values["published"] = status == 1


def _setter(model_field, read):
    def read_into(value, data):
        data.values[model_field] = read(value)

    return read_into


_READERS = {
    "LOAITTHC": _setter("kind", lambda value: read_label(value, "LOAITTHC")),
    "TRANGTHAI": _read_status,
    "LINHVUCTHUCHIEN": _read_field,
    "CAPTHUCHIEN": _read_level,
    "DOITUONGTHUCHIEN": _read_applicants,
    "CACHTHUCTHUCHIEN": read_channels,
    "TRINHTUTHUCHIEN": _read_steps,
    "THANHPHANHOSO": _read_documents,
    "KETQUATHUCHIEN": _read_results,
    "CANCUPHAPLY": _read_legal_basis,
    "COQUANTHUCHIEN": _read_agencies,
    "YEUCAU": _setter("conditions", lambda value: read_text(value, "YEUCAU")),
    "MUCDO": _read_online_level,
    "LIENTHONG": _setter("inter_agency", lambda value: read_boolean(value, "LIENTHONG")),
    "TTHCLIENQUAN": _read_related,
    "IDQUYETDINHCONGBO": _setter(
        "publication_decision", lambda value: read_label(value, "IDQUYETDINHCONGBO")
    ),
    EFFECTIVE_DATE_KEY: _setter(
        "effective_date", lambda value: read_date(value, EFFECTIVE_DATE_KEY)
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
