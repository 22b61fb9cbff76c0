"""Reads of the payments app: what the citizen's page shows about the fees, and the
payment figures per unit and period."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from core.qr import qr_svg
from core.spreadsheets import xlsx_bytes
from dossiers.models import Dossier
from dossiers.reporting.access import report_units
from dossiers.reporting.counting import day_bounds
from dossiers.reporting.files import XLSX_MIME
from procedures.models import Procedure

from . import vietqr
from .gateway import payment_link
from .models import FeeLine, Method, Payment, PaymentRequest, Receipt, RequestStatus
from .services.fees import totals

ONLINE_METHODS = (Method.BANK_TRANSFER, Method.GATEWAY)


def transfer_payload(request):
    """The VietQR payload of ``request``: the agency account, the amount, the reference."""
    return vietqr.build_payload(
        settings.PAYMENT_BANK_BIN,
        settings.PAYMENT_ACCOUNT_NUMBER,
        request.amount,
        request.reference,
    )


def payment_panel(dossier):
    """The fees of ``dossier`` as its citizen page shows them, or None with no fee."""
    lines = list(FeeLine.objects.filter(dossier=dossier))
    if not lines:
        return None
    pending = PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.PENDING).first()
    panel = {
        "lines": lines,
        "totals": totals(dossier),
        "pending": pending,
        "receipts": list(
            Receipt.objects.filter(payment__request__dossier=dossier).select_related("payment")
        ),
    }
    if pending is not None:
        payload = transfer_payload(pending)
        panel.update(
            account_name=settings.PAYMENT_ACCOUNT_NAME,
            account_number=settings.PAYMENT_ACCOUNT_NUMBER,
            payload=payload,
            qr=qr_svg(payload, title=_("VietQR code: pay by bank transfer")),
            gateway_link=payment_link(pending),
        )
    return panel


def paid_online(dossier):
    """Whether the dossier's fees were paid online (the national sync's
    ``DuocThanhToanTrucTuyen``)."""
    return Payment.objects.filter(request__dossier=dossier, method__in=ONLINE_METHODS).exists()


@dataclass
class PaymentRow:
    code: str
    name: str
    requested: int = 0  # dossiers asked to pay in the period
    paid_online: int = 0  # dossiers paid by transfer or gateway in the period
    paid_at_counter: int = 0
    collected: int = 0  # đồng received in the period

    @property
    def online_share(self):
        paid = self.paid_online + self.paid_at_counter
        return round(100 * self.paid_online / paid, 1) if paid else None


def payment_figures(first, last, dossiers):
    """Rows per receiving unit for ``dossiers`` (start from ``visible_to``): requests made
    and payments received in days first..last. Two queries whatever the size."""
    start, end = day_bounds(first, last)
    unit = ("dossier__receiving_unit__code", "dossier__receiving_unit__name")
    rows = {}
    requests = PaymentRequest.objects.filter(
        dossier__in=dossiers, requested_at__gte=start, requested_at__lt=end
    )
    for line in requests.values(*unit).annotate(requested=Count("dossier", distinct=True)):
        rows[line[unit[0]]] = PaymentRow(line[unit[0]], line[unit[1]], line["requested"])
    payments = Payment.objects.filter(
        request__dossier__in=dossiers, paid_at__gte=start, paid_at__lt=end
    )
    paid_unit = tuple(f"request__{name}" for name in unit)
    for line in payments.values(*paid_unit).annotate(
        paid_online=Count("request__dossier", distinct=True, filter=Q(method__in=ONLINE_METHODS)),
        paid_at_counter=Count("request__dossier", distinct=True, filter=Q(method=Method.CASH)),
        collected=Sum("amount"),
    ):
        row = rows.setdefault(
            line[paid_unit[0]], PaymentRow(line[paid_unit[0]], line[paid_unit[1]])
        )
        row.paid_online, row.paid_at_counter = line["paid_online"], line["paid_at_counter"]
        row.collected = line["collected"] or 0
    return sorted(rows.values(), key=lambda row: row.code)


@dataclass(frozen=True)
class ProcedureFigures:
    fee_bearing: int  # published procedures whose catalogue terms ask for a fee
    paid_online: int  # of those, with a dossier paid online in the period (of ``dossiers``)


def procedure_figures(first, last, dossiers):
    """The procedure side of the index's online-payment indicator: the published
    procedures that bear a fee, and those with an online payment in days first..last."""
    fee_bearing = {
        procedure.pk
        for procedure in Procedure.objects.filter(published=True).only(
            "fee_amount", "channel_terms"
        )
        if _bears_a_fee(procedure)
    }
    start, end = day_bounds(first, last)
    paid = set(
        Payment.objects.filter(
            request__dossier__in=dossiers,
            method__in=ONLINE_METHODS,
            paid_at__gte=start,
            paid_at__lt=end,
        ).values_list("request__dossier__procedure", flat=True)
    )
    return ProcedureFigures(len(fee_bearing), len(paid & fee_bearing))


def _bears_a_fee(procedure):
    if procedure.fee_amount and procedure.fee_amount > 0:
        return True
    return any(
        _positive(fee.get("amount"))
        for terms in procedure.channel_terms or []
        for fee in terms.get("fees") or []
    )


def _positive(value):
    try:
        return float(value or 0) > 0
    except (TypeError, ValueError):
        return False


def payment_report_file(user, first, last):
    """The payment figures of ``user``'s units for days first..last, as the XLSX attached
    to their monthly report: (name, bytes, MIME type)."""
    dossiers = Dossier.objects.visible_to(user).filter(receiving_unit__in=report_units(user))
    rows = payment_figures(first, last, dossiers)
    with translation.override("vi"):  # the report is in Vietnamese, as its e-mail is
        header = [
            _("Unit"),
            _("Asked to pay"),
            _("Paid online"),
            _("Paid at the counter"),
            _("Online share"),
            _("Collected (VND)"),
        ]
    lines = [
        [
            row.name,
            row.requested,
            row.paid_online,
            row.paid_at_counter,
            row.online_share,
            row.collected,
        ]
        for row in rows
    ]
    content = xlsx_bytes(f"{first:%Y-%m}", header, lines, widths=(40, 14, 14, 14, 12, 16))
    return f"bao-cao-thu-phi-{first:%Y-%m}.xlsx", content, XLSX_MIME
