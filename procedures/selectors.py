"""Reads of the public catalogue: the filtered list, its counts per field, and one
procedure's terms arranged the way its page shows them."""

from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q

from core.models import Unit

from .catalogue_cache import derived_from_catalogue
from .models import CATALOGUE_ORDER, Channel, Field, Procedure, RequiredDocument
from .records.kinds import is_note_heading

_CHANNEL_ORDER = {channel: position for position, channel in enumerate(Channel.values)}


def catalogue(q="", field=None, level="", unit=None, online_level=""):
    """Published procedures matching the search text (diacritics ignored) and filters."""
    procedures = Procedure.objects.published().select_related("field")
    # Without a search, by field then name; with one, most relevant first (the search's
    # order). The code breaks ties so that pages never repeat or skip a procedure.
    procedures = procedures.search(q) if q else procedures.order_by(*CATALOGUE_ORDER)
    if field is not None:
        procedures = procedures.filter(field=field)
    if level:
        procedures = procedures.filter(level=level)
    if unit is not None:
        procedures = procedures.filter(handling_units=unit)
    if online_level:
        procedures = procedures.filter(online_level=online_level)
    return procedures


def field_counts(procedures):
    """Every field annotated with ``procedure_count``, the number of ``procedures`` in it,
    in one query."""
    in_selection = Q(procedures__in=procedures.order_by().values("pk"))
    return Field.objects.annotate(procedure_count=Count("procedures", filter=in_selection))


def published_field_counts():
    return field_counts(Procedure.objects.published())


def catalogue_units():
    """The units that handle at least one published procedure, for the unit filter. Which
    ones is remembered under the catalogue stamp: finding them walks every link between
    procedures and units (tens of thousands in a province), for every catalogue page."""
    keys = derived_from_catalogue("catalogue-units", _handling_unit_keys)
    return Unit.objects.filter(pk__in=keys).order_by("name")


def _handling_unit_keys():
    handling = Unit.objects.filter(procedures__published=True).distinct()
    return list(handling.values_list("pk", flat=True))


def procedure_page(code):
    """The published procedure with everything its page shows, or None."""
    if "\x00" in code:
        # PostgreSQL text cannot hold NUL, so no code has one; asking would raise.
        return None
    return (
        Procedure.objects.published()
        .select_related("field")
        .prefetch_related("handling_units", "documents")
        .filter(code=code)
        .first()
    )


def published_form(code, document_id):
    """The required document with a form file, of a published procedure, or None."""
    if "\x00" in code:
        return None
    return (
        RequiredDocument.objects.filter(
            pk=document_id, procedure__code=code, procedure__published=True
        )
        .exclude(form_file="")
        .first()
    )


@dataclass(frozen=True)
class DocumentGroup:
    """The lines of one case: the papers to bring (numbered) and the guidance notes
    (Lưu ý), which are no papers and are never numbered with them."""

    case: str
    papers: tuple[RequiredDocument, ...]
    notes: tuple[RequiredDocument, ...]

    @property
    def notes_need_a_title(self):
        # A "Lưu ý" case heading already says what its lines are.
        return not is_note_heading(self.case)


def documents_by_case(procedure):
    """[DocumentGroup] in catalogue order; "" is the case of documents for everyone."""
    groups = {}
    for document in procedure.documents.all():
        groups.setdefault(document.case.strip(), []).append(document)
    return [
        DocumentGroup(
            case=case,
            papers=tuple(document for document in documents if document.is_paper),
            notes=tuple(document for document in documents if not document.is_paper),
        )
        for case, documents in groups.items()
    ]


def steps_by_case(procedure):
    """[(case, [step texts])], skipping empty entries of untidy imported records."""
    groups = []
    for entry in procedure.steps or []:
        steps = [step.strip() for step in entry.get("steps", []) if step and step.strip()]
        if steps:
            groups.append(((entry.get("case") or "").strip(), steps))
    return groups


@dataclass(frozen=True)
class Fee:
    amount: Decimal
    currency: str
    description: str


@dataclass(frozen=True)
class ChannelTerms:
    channel: str
    amount: Decimal
    unit: str
    cutoff: time | None
    note: str
    fees: tuple[Fee, ...]
    # The catalogue's own word for a unit the deadline rules do not know ("Tháng").
    unit_text: str = ""

    @property
    def label(self):
        return Channel(self.channel).label

    @property
    def fee_key(self):
        # Scraped descriptions differ in wording between channels of the same fee; the
        # amounts are what a citizen compares.
        return tuple((fee.amount, fee.currency) for fee in self.fees)


@dataclass(frozen=True)
class ProcedureTerms:
    channels: tuple[ChannelTerms, ...]

    @property
    def main(self):
        return self.channels[0]

    @property
    def times_differ(self):
        return len({(c.amount, c.unit, c.cutoff) for c in self.channels}) > 1

    @property
    def fees_differ(self):
        return len({c.fee_key for c in self.channels}) > 1


def procedure_terms(procedure):
    """Time limit and fees per channel; a procedure listing no channel has one row, the
    desk's, with its default terms."""
    listed = [
        entry
        for entry in procedure.channel_terms or []
        if isinstance(entry, dict) and entry.get("channel") in _CHANNEL_ORDER
    ]
    listed.sort(key=lambda entry: _CHANNEL_ORDER[entry["channel"]])
    channels = [_channel_terms(procedure, entry) for entry in listed]
    return ProcedureTerms(tuple(channels) or (_default_terms(procedure),))


def _default_fees(procedure):
    return (Fee(procedure.fee_amount, "VND", procedure.fee_description.strip()),)


def _default_terms(procedure):
    return ChannelTerms(
        channel=Channel.COUNTER,
        amount=procedure.time_limit_amount,
        unit=procedure.time_limit_unit,
        cutoff=procedure.same_day_cutoff,
        note=procedure.time_limit_note.strip(),
        fees=_default_fees(procedure),
    )


def _channel_terms(procedure, entry):
    unit_text = (entry.get("unit_text") or "").strip()
    if entry.get("unit") or unit_text:
        amount, unit = to_decimal(entry.get("amount")), entry.get("unit") or ""
        cutoff = _time(entry.get("cutoff"))
    else:
        # A channel stating no limit gets the default one, as deadlines do (terms_for).
        amount, unit = procedure.time_limit_amount, procedure.time_limit_unit
        cutoff = procedure.same_day_cutoff
    fees = entry.get("fees")
    return ChannelTerms(
        channel=entry["channel"],
        amount=amount,
        unit=unit,
        cutoff=cutoff,
        note=(entry.get("note") or "").strip(),
        fees=tuple(_fee(item) for item in fees) if fees else _default_fees(procedure),
        unit_text=unit_text,
    )


def _fee(item):
    return Fee(
        amount=to_decimal(item.get("amount")),
        currency=(item.get("currency") or "").strip(),
        description=(item.get("description") or "").strip(),
    )


def to_decimal(value):
    """A catalogue number as Decimal; blank or unreadable text counts as 0."""
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _time(text):
    try:
        return time.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None
