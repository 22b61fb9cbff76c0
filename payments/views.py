"""The e-receipt as PDF and the payment notice to print, for whoever may see the dossier
(404 for everyone else), and the kiosk's screen for paying by VietQR."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from core.qr import qr_svg
from core.throttles import page_throttled
from dossiers.forms.citizen import LookupForm
from dossiers.models import Dossier
from dossiers.printing.agency import agency_of, signing_agency
from dossiers.printing.official_forms import lookup_url
from dossiers.printing.pdf import render_pdf
from dossiers.printing.words import place_and_date, time_words

from . import selectors
from .amount_words import amount_in_words
from .models import FeeLine, Receipt

app_name = "payments"


def receipt_pdf(request, pk):
    receipt = (
        Receipt.objects.select_related("payment__request__dossier__procedure", "agency")
        .filter(pk=pk, payment__request__dossier__in=Dossier.objects.visible_to(request.user))
        .first()
    )
    if receipt is None:
        raise Http404(_("No such receipt."))
    dossier = receipt.payment.request.dossier
    agency = agency_of(receipt.agency)
    url = lookup_url(request, dossier)
    context = {
        "receipt": receipt,
        "payment": receipt.payment,
        "dossier": dossier,
        "agency": agency,
        "place_date": place_and_date(agency.place, receipt.issued_at),
        "lines": FeeLine.objects.filter(dossier=dossier),
        "amount_words": amount_in_words(receipt.payment.amount),
        "paid_words": time_words(receipt.payment.paid_at),
        "qr": qr_svg(url, title=_("QR code: look up this dossier")),
        "form": {"number": "", "title": _("E-receipt")},
    }
    response = HttpResponse(render_pdf("payments/receipt.html", context), "application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="bien-lai-{receipt.number}-{receipt.year}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def notice(request, code):
    """The payment notice to print or hand over: what is owed, the account, the reference
    and the VietQR code, for whoever may see the dossier."""
    dossier = Dossier.objects.visible_to(request.user).filter(code=code).first()
    panel = selectors.payment_panel(dossier) if dossier else None
    if not panel or not panel.get("pending"):
        raise Http404(_("Nothing is waiting to be paid."))
    agency = agency_of(signing_agency(dossier.handling_unit))
    context = {
        "dossier": dossier,
        "panel": panel,
        "agency": agency,
        "place_date": place_and_date(agency.place, panel["pending"].requested_at),
        "amount_words": amount_in_words(panel["pending"].amount),
        "form": {"number": "", "title": _("Payment notice")},
    }
    return render(request, "payments/notice.html", context)


def kiosk_pay(request):
    """The kiosk's "pay the fees" screen: the dossier code and the phone, as the public
    lookup takes them (and counted with it), then what is owed and its VietQR code."""
    submitted = request.method == "POST"
    form = LookupForm(request.POST if submitted else None)
    context = {"form": form, "idle_seconds": settings.ONESTOP_KIOSK_IDLE_SECONDS}
    if submitted and page_throttled(request, "lookup"):
        return render(
            request, "payments/kiosk_pay.html", {**context, "throttled": True}, status=429
        )
    if submitted and form.is_valid():
        context.update(dossier=form.dossier, panel=selectors.payment_panel(form.dossier))
    return render(request, "payments/kiosk_pay.html", context)


urlpatterns = [
    path("kiosk/pay/", kiosk_pay, name="kiosk-pay"),
    path("payments/receipts/<int:pk>.pdf", receipt_pdf, name="receipt"),
    path("payments/notice/<str:code>/", notice, name="notice"),
]
