"""What a dossier owes: its fee lines, taken from the catalogue terms it was received under
when the fee is requested, their amounts editable by the handling staff with a reason, and
the payment request that carries the total and the transfer reference."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import Dossier, Status
from dossiers.services.errors import TransitionError
from dossiers.workflow import may_handle_at

from ..models import FeeLine, PaymentRequest, RequestStatus

# What a transfer reference may hold (payments.vietqr: no diacritics, at most 25).
UNSAFE = re.compile(r"[^A-Za-z0-9._/-]")


@dataclass(frozen=True)
class Totals:
    owed: int
    paid: int

    @property
    def outstanding(self):
        return max(self.owed - self.paid, 0)


def totals(dossier):
    owed = FeeLine.objects.filter(dossier=dossier).aggregate(total=Sum("amount"))["total"] or 0
    paid = (
        PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.PAID).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    return Totals(owed=owed, paid=paid)


def catalogue_fees(dossier):
    """(name, amount) of the fees in the terms ``dossier`` was received under: those of
    its channel when the catalogue lists them, else the procedure's."""
    terms = dossier.procedure_version.snapshot or {}
    for entry in terms.get("channel_terms") or []:
        if entry.get("channel") == dossier.channel and entry.get("fees"):
            return [_named(fee) for fee in entry["fees"] if _whole(fee.get("amount")) > 0]
    fees = terms.get("fees") or {}
    amount = _whole(fees.get("amount"))
    return [(fees.get("description") or _("Fee"), amount)] if amount > 0 else []


def _named(fee):
    name = (fee.get("description") or fee.get("code") or _("Fee")).strip()
    return name[:500], _whole(fee.get("amount"))


def _whole(value):
    try:
        return int(Decimal(str(value or 0)))
    except (InvalidOperation, ValueError):
        return 0


def open_request(dossier, now):
    """On the fee request: the catalogue's fee lines if the dossier has none yet, and a
    payment request for what is outstanding (none when nothing is)."""
    if not FeeLine.objects.filter(dossier=dossier).exists():
        FeeLine.objects.bulk_create(
            FeeLine(dossier=dossier, name=name, amount=amount, catalogue_amount=amount, order=n)
            for n, (name, amount) in enumerate(catalogue_fees(dossier))
        )
    outstanding = totals(dossier).outstanding
    if outstanding and not _pending(dossier).exists():
        PaymentRequest.objects.create(
            dossier=dossier, reference=_reference(dossier), amount=outstanding, requested_at=now
        )


def _pending(dossier):
    return PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.PENDING)


def _reference(dossier):
    base = UNSAFE.sub("", dossier.code)[:21] or f"HS{dossier.pk}"
    earlier = PaymentRequest.objects.filter(dossier=dossier).count()
    return base if not earlier else f"{base}-{earlier + 1}"


def may_set_fees(user, dossier):
    return user.is_superuser or may_handle_at(user, dossier.handling_unit)


def set_fee_amount(line, amount, reason, actor):
    """Change a fee line's amount (per page, per copy…), with the reason; the waiting
    request follows. Only while the fee is being asked for, by the handling staff."""
    reason = (reason or "").strip()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=line.dossier_id)
        if not may_set_fees(actor, dossier):
            raise TransitionError(_("Only the handling unit's staff set the fees."))
        if dossier.status not in {Status.IN_PROGRESS, Status.AWAITING_PAYMENT}:
            raise TransitionError(_("The fees are set while the dossier is being handled."))
        if amount is None or amount < 0:
            raise TransitionError(_("Enter the amount in đồng, 0 or more."), field="amount")
        if not reason:
            raise TransitionError(_("Say why the amount differs."), field="reason")
        line = FeeLine.objects.select_for_update().get(pk=line.pk)
        line.amount, line.change_reason, line.changed_by = amount, reason[:500], actor
        line.save(update_fields=["amount", "change_reason", "changed_by"])
        _follow_request(dossier)
    return line


def _follow_request(dossier):
    outstanding = totals(dossier).outstanding
    pending = _pending(dossier).first()
    if pending is not None and outstanding:
        pending.amount = outstanding
        pending.save(update_fields=["amount"])
    elif pending is not None:
        pending.delete()
    elif outstanding and dossier.status == Status.AWAITING_PAYMENT:
        open_request(dossier, timezone.now())
