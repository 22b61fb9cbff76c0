"""A payment, whichever way it came — the gateway's signed callback, a bank statement line,
cash at the counter — goes through ``record_payment``: the request must be waiting and the
amount exact; the same transaction id twice is one payment; the dossier's clock resumes
through the workflow's ``confirm-payment``, exactly as the desk's button does; the
e-receipt is numbered in the agency's series."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import Role
from dossiers.models import Status
from dossiers.printing.agency import signing_agency
from dossiers.services import transitions
from dossiers.services.errors import TransitionError
from procedures.words import format_number

from ..models import Method, Payment, PaymentRequest, Receipt, RequestStatus


@dataclass(frozen=True)
class Reconciliation:
    """The actor of a payment the portal matched itself: nobody signs in as it, and the
    workflow lets it confirm payments only (``workflow.RECONCILIATION``)."""

    source: str
    reconciles_payments = True
    is_authenticated = False
    is_superuser = False
    unit = None

    def has_role(self, *roles):
        return False


@dataclass(frozen=True)
class Settled:
    payment: object
    created: bool  # False: this transaction was recorded before (a repeated callback)


def record_payment(
    reference, amount, method, actor, transaction_id=None, payer="", now=None, paid_at=None
):
    """Settle the waiting request ``reference`` with ``amount`` đồng, now. ``paid_at`` is
    when the money moved (a statement's booking time), kept on the payment; the clock
    resumes when the portal learns of it."""
    now = now or timezone.now()
    if transaction_id:
        known = Payment.objects.filter(transaction_id=transaction_id).first()
        if known is not None:
            _check_same(known, reference, amount)
            return Settled(known, created=False)
    try:
        with transaction.atomic():
            request = _waiting(reference)
            if amount != request.amount:
                raise TransitionError(
                    _("The amount paid (%(paid)s đồng) is not the amount owed (%(owed)s đồng).")
                    % {"paid": format_number(amount), "owed": format_number(request.amount)},
                    field="amount",
                )
            payment = _settle(request, method, actor, transaction_id, payer, paid_at or now)
            if request.dossier.status == Status.AWAITING_PAYMENT:
                transitions.confirm_payment(request.dossier, actor, note=_note(payment), now=now)
    except IntegrityError:
        # The same transaction recorded at the same moment by another process.
        known = Payment.objects.filter(transaction_id=transaction_id).first()
        if known is None:
            raise
        return Settled(known, created=False)
    return Settled(payment, created=True)


def settle_on_confirmation(dossier, actor, now):
    """The desk confirmed the payment itself (its "fees paid" button): the waiting request,
    if any, was paid in cash at the counter."""
    request = (
        PaymentRequest.objects.select_for_update()
        .filter(dossier=dossier, status=RequestStatus.PENDING)
        .first()
    )
    if request is not None:
        _settle(request, Method.CASH, actor, None, "", now)


def _settle(request, method, actor, transaction_id, payer, now):
    payment = Payment.objects.create(
        request=request,
        method=method,
        amount=request.amount,
        transaction_id=transaction_id or None,
        paid_at=now,
        payer=payer[:300],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    request.status, request.paid_at = RequestStatus.PAID, now
    request.save(update_fields=["status", "paid_at"])
    _number_receipt(payment, now)
    return payment


def pay_at_counter(reference, actor, now=None):
    """Cash handed over at the desk: the whole amount of the waiting request."""
    if not (actor.is_superuser or actor.has_role(Role.DESK_OFFICER)):
        raise TransitionError(_("Only a desk officer records a payment in cash."))
    request = PaymentRequest.objects.filter(reference=reference).first()
    amount = request.amount if request else 0
    return record_payment(reference, amount, Method.CASH, actor, now=now)


def _waiting(reference):
    request = (
        PaymentRequest.objects.select_for_update()
        .select_related("dossier__handling_unit")
        .filter(reference=reference)
        .first()
    )
    if request is None:
        raise TransitionError(_("No payment request has this reference."), field="reference")
    if request.status != RequestStatus.PENDING:
        raise TransitionError(_("This payment request is already paid."), field="reference")
    return request


def _check_same(known, reference, amount):
    if known.request.reference != reference or known.amount != amount:
        raise TransitionError(
            _("This transaction id was already recorded for another payment."),
            field="transaction_id",
        )


def _number_receipt(payment, now):
    agency = signing_agency(payment.request.dossier.handling_unit)
    year = timezone.localdate(now).year
    # Receipts of one agency and year are numbered under a lock on that agency's row.
    type(agency).objects.select_for_update().filter(pk=agency.pk).first()
    last = Receipt.objects.filter(agency=agency, year=year).aggregate(last=Max("number"))
    Receipt.objects.create(
        payment=payment, agency=agency, year=year, number=(last["last"] or 0) + 1, issued_at=now
    )


def _note(payment):
    return _("%(amount)s đồng paid: %(method)s") % {
        "amount": format_number(payment.amount),
        "method": payment.get_method_display(),
    }
