"""Fees and payments of a dossier: the fee lines owed, each payment request (with its bank
reference), the payments that settle it and their e-receipts, and the bank statements
imported to reconcile transfers. Amounts are whole đồng."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from dossiers.models import Dossier


class FeeLine(models.Model):
    """One fee owed for a dossier: from the catalogue at the payment request, its amount
    editable by handling staff with a reason (per page, per copy)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="fee_lines"
    )
    name = models.CharField(_("fee"), max_length=500)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    catalogue_amount = models.PositiveBigIntegerField(_("catalogue amount (VND)"), null=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_reason = models.CharField(_("reason for the amount"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("fee line")
        verbose_name_plural = _("fee lines")
        ordering = ["dossier", "order", "pk"]

    def __str__(self):
        return f"{self.name}: {self.amount}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")


class Method(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer (VietQR)")
    GATEWAY = "gateway", _("Online payment gateway")
    CASH = "cash", _("Cash at the counter")


class PaymentRequest(models.Model):
    """What the dossier owes now, with the reference a transfer must carry."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="payments"
    )
    reference = models.CharField(_("payment reference"), max_length=25, unique=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["dossier", "requested_at", "pk"]
        constraints = [
            # One request waits at a time for a dossier.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(status="pending"),
                name="payment_one_pending_per_dossier",
            )
        ]

    def __str__(self):
        return self.reference


class Payment(models.Model):
    """Money received for a request: by transfer (statement), gateway or cash."""

    request = models.OneToOneField(
        PaymentRequest, verbose_name=_("payment request"), on_delete=models.CASCADE
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    # The bank's or the gateway's transaction id: the same one twice is the same payment.
    transaction_id = models.CharField(
        _("transaction id"), max_length=100, unique=True, null=True, blank=True
    )
    paid_at = models.DateTimeField(_("paid at"))
    payer = models.CharField(_("payer"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_at", "pk"]

    def __str__(self):
        return f"{self.request.reference} · {self.amount}"


class Receipt(models.Model):
    """The e-receipt (biên lai điện tử) of a payment, numbered in the agency's series."""

    payment = models.OneToOneField(Payment, on_delete=models.CASCADE, related_name="receipt")
    agency = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    issued_at = models.DateTimeField()

    class Meta:
        verbose_name = _("e-receipt")
        verbose_name_plural = _("e-receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], name="receipt_number_unique"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return f"{self.number:07d}/{self.year}"


class StatementLine(models.Model):
    """A credit line of an imported bank statement that matched nothing: listed for a
    person to resolve."""

    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    transaction_id = models.CharField(_("transaction id"), max_length=100)
    booked_at = models.DateTimeField(_("booked at"), null=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    description = models.CharField(_("description"), max_length=500)
    problem = models.CharField(_("why it did not match"), max_length=300)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("unmatched statement line")
        verbose_name_plural = _("unmatched statement lines")
        ordering = ["-imported_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["transaction_id"], name="statement_line_once")
        ]

    def __str__(self):
        return f"{self.transaction_id} · {self.amount}"
