"""Reconciling the agency account's bank statement: each credit line is matched to a
waiting payment request by the reference its description carries and by its exact amount,
and confirmed through ``settle.record_payment`` (its bank transaction id makes a second
import of the same line change nothing). What does not match is kept for a person."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.services.errors import TransitionError
from procedures.words import format_number

from ..models import Method, Payment, PaymentRequest, RequestStatus, StatementLine
from .settle import Reconciliation, record_payment

NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Z]")
MAX_LINES = 20_000


@dataclass(frozen=True)
class Line:
    transaction_id: str
    amount: int
    description: str
    booked_at: object = None


@dataclass
class Outcome:
    confirmed: list = field(default_factory=list)  # references paid by this import
    already: list = field(default_factory=list)  # transaction ids recorded before
    unmatched: list = field(default_factory=list)  # (Line, why)


def read_statement(upload):
    """The credit lines of a CSV or XLSX statement, by the columns of
    ``PAYMENT_STATEMENT_COLUMNS``; a field-level refusal for a file that is neither."""
    head = upload.read(4)
    upload.seek(0)
    rows = _xlsx_rows(upload) if head.startswith(b"PK") else _csv_rows(upload)
    columns = settings.PAYMENT_STATEMENT_COLUMNS
    try:
        header = [str(name or "").strip() for name in next(rows)]
        positions = {key: header.index(name) for key, name in columns.items()}
    except (StopIteration, ValueError):
        raise TransitionError(
            _("The statement needs the columns: %(columns)s.")
            % {"columns": ", ".join(columns.values())},
            field="file",
        ) from None
    lines = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_LINES:
            raise TransitionError(_("The statement has too many lines."), field="file")
        line = _line(row, positions, number)
        if line is not None:
            lines.append(line)
    return lines


def _csv_rows(upload):
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TransitionError(_("The statement is not a UTF-8 CSV file."), field="file") from None
    return iter(csv.reader(io.StringIO(text)))


def _xlsx_rows(upload):
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise TransitionError(
            _("The statement is not a readable XLSX file."), field="file"
        ) from None
    return sheet.iter_rows(values_only=True)


def _line(row, positions, number):
    def cell(key):
        index = positions[key]
        return row[index] if index < len(row) else None

    amount = _amount(cell("amount"))
    if amount is None or amount <= 0:
        return None  # a debit, a blank or a subtotal: not a payment received
    transaction_id = str(cell("transaction_id") or "").strip()
    if not transaction_id:
        raise TransitionError(
            _("Line %(number)s has no transaction number.") % {"number": number}, field="file"
        )
    return Line(
        transaction_id=transaction_id[:100],
        amount=amount,
        description=str(cell("description") or "").strip()[:500],
        booked_at=_when(cell("booked_at")),
    )


def _amount(value):
    if isinstance(value, int | float):
        return int(value)
    digits = re.sub(r"[^0-9-]", "", str(value or "").split(",")[0])
    return int(digits) if digits.lstrip("-") else None


def _when(value):
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    for layout in (
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d",
    ):
        try:
            return timezone.make_aware(datetime.strptime(str(value).strip(), layout))
        except (TypeError, ValueError):
            continue
    return None


def reconcile(lines, actor, requests):
    """Confirm the waiting requests of ``requests`` (start from the dossiers visible to
    ``actor``) that ``lines`` pay; keep the rest for a person."""
    outcome = Outcome()
    waiting = {
        NOT_ALPHANUMERIC.sub("", request.reference.upper()): request
        for request in requests.filter(status=RequestStatus.PENDING)
    }
    recorded = set(
        Payment.objects.filter(
            transaction_id__in=[line.transaction_id for line in lines]
        ).values_list("transaction_id", flat=True)
    )
    for line in lines:
        if line.transaction_id in recorded:
            outcome.already.append(line.transaction_id)
            continue
        problem = _settle_line(line, waiting, outcome)
        if problem:
            outcome.unmatched.append((line, problem))
            _keep(line, problem, actor)
        recorded.add(line.transaction_id)
    return outcome


def _settle_line(line, waiting, outcome):
    text = NOT_ALPHANUMERIC.sub("", line.description.upper())
    # The longest reference first: "…-2" is another request than the one it extends.
    found = [key for key in sorted(waiting, key=len, reverse=True) if key in text]
    if not found:
        return _("No payment reference in the description.")
    request = waiting[found[0]]
    if line.amount != request.amount:
        return _("The amount differs from the %(owed)s đồng owed for %(reference)s.") % {
            "owed": format_number(request.amount),
            "reference": request.reference,
        }
    record_payment(
        request.reference,
        line.amount,
        Method.BANK_TRANSFER,
        Reconciliation("statement"),
        transaction_id=line.transaction_id,
        paid_at=line.booked_at,
    )
    del waiting[found[0]]
    outcome.confirmed.append(request.reference)
    return None


def _keep(line, problem, actor):
    StatementLine.objects.get_or_create(
        transaction_id=line.transaction_id,
        defaults={
            "imported_at": timezone.now(),
            "imported_by": actor if actor.is_authenticated else None,
            "booked_at": line.booked_at,
            "amount": line.amount,
            "description": line.description,
            "problem": problem[:300],
        },
    )


def requests_of(dossiers):
    return PaymentRequest.objects.filter(dossier__in=dossiers)
