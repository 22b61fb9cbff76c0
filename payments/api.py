"""The payments API: a dossier's fees (read, amounts set, cash recorded), the gateway's
signed callback, the bank statement import and the payment figures. Thin: the rules are
the services', every dossier is found through ``visible_to``."""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import Role
from core.serializers import Serializer
from core.throttles import PartnerThrottle
from dossiers.api import as_api_error
from dossiers.models import Dossier
from dossiers.reporting.digitisation_api import UnitPeriodReportView, report_schema
from dossiers.services.errors import TransitionError

from . import gateway, selectors
from .models import FeeLine, Method
from .services.fees import set_fee_amount
from .services.settle import Reconciliation, pay_at_counter, record_payment
from .services.statements import read_statement, reconcile, requests_of


class FeeLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeLine
        fields = ["id", "name", "amount", "catalogue_amount", "change_reason"]


class FeesSerializer(Serializer):
    lines = FeeLineSerializer(many=True)
    owed = serializers.IntegerField()
    paid = serializers.IntegerField()
    outstanding = serializers.IntegerField()
    reference = serializers.CharField(allow_null=True)
    amount_due = serializers.IntegerField(allow_null=True)
    vietqr = serializers.CharField(allow_null=True, help_text=gettext_lazy("EMVCo payload"))
    gateway_link = serializers.CharField(allow_blank=True)
    receipts = serializers.ListField(child=serializers.CharField())

    @staticmethod
    def of(dossier):
        panel = selectors.payment_panel(dossier) or {"lines": [], "receipts": []}
        totals, pending = panel.get("totals"), panel.get("pending")
        return FeesSerializer(
            {
                "lines": panel["lines"],
                "owed": totals.owed if totals else 0,
                "paid": totals.paid if totals else 0,
                "outstanding": totals.outstanding if totals else 0,
                "reference": pending.reference if pending else None,
                "amount_due": pending.amount if pending else None,
                "vietqr": panel.get("payload"),
                "gateway_link": panel.get("gateway_link", ""),
                "receipts": [receipt.label for receipt in panel["receipts"]],
            }
        ).data


def _dossier(request, code):
    return get_object_or_404(Dossier.objects.visible_to(request.user), code=code)


class DossierFeesView(APIView):
    """What a dossier owes, has paid and how to pay it."""

    @extend_schema(responses=FeesSerializer)
    def get(self, request, code):
        return Response(FeesSerializer.of(_dossier(request, code)))


class FeeAmountSerializer(Serializer):
    amount = serializers.IntegerField(min_value=0, max_value=10**12)
    reason = serializers.CharField(max_length=500)


class FeeLineView(APIView):
    """Set a fee line's amount, with the reason (the handling unit's staff)."""

    @extend_schema(request=FeeAmountSerializer, responses=FeesSerializer)
    def patch(self, request, code, pk):
        dossier = _dossier(request, code)
        line = get_object_or_404(FeeLine, dossier=dossier, pk=pk)
        body = FeeAmountSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            set_fee_amount(
                line, body.validated_data["amount"], body.validated_data["reason"], request.user
            )
        except TransitionError as error:
            raise as_api_error(error, upload_field="file") from None
        return Response(FeesSerializer.of(dossier))


class CashView(APIView):
    """Record the waiting request paid in cash at the counter (a desk officer)."""

    @extend_schema(request=None, responses=FeesSerializer)
    def post(self, request, code):
        dossier = _dossier(request, code)
        pending = selectors.payment_panel(dossier) or {}
        if not pending.get("pending"):
            raise as_api_error(TransitionError(_("Nothing is waiting to be paid.")))
        try:
            pay_at_counter(pending["pending"].reference, request.user)
        except TransitionError as error:
            raise as_api_error(error, upload_field="file") from None
        return Response(FeesSerializer.of(dossier))


class CallbackSerializer(Serializer):
    reference = serializers.CharField(max_length=25)
    amount = serializers.IntegerField(min_value=1, max_value=10**12)
    transaction_id = serializers.CharField(max_length=100)
    signature = serializers.CharField(max_length=128)


class GatewayCallbackView(APIView):
    """The payment gateway tells the portal a payment went through; signed with the
    shared secret (HMAC-SHA256 over the sorted parameters). The same transaction twice is
    one payment; a bad signature, an unknown reference or a wrong amount changes nothing."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PartnerThrottle]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        request=CallbackSerializer,
        responses=inline_serializer(
            "GatewayAnswer",
            {"reference": serializers.CharField(), "recorded": serializers.BooleanField()},
        ),
    )
    def post(self, request):
        body = CallbackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if not gateway.is_signed({name: str(request.data.get(name, "")) for name in request.data}):
            raise ValidationError({"signature": [_("The signature does not match.")]})
        try:
            settled = record_payment(
                data["reference"],
                data["amount"],
                Method.GATEWAY,
                Reconciliation("gateway"),
                transaction_id=data["transaction_id"],
            )
        except TransitionError as error:
            raise as_api_error(error, upload_field="file") from None
        return Response({"reference": data["reference"], "recorded": settled.created})


class StatementUploadSerializer(Serializer):
    file = serializers.FileField(help_text=gettext_lazy("The bank statement, CSV or XLSX."))


class StatementView(APIView):
    """Import the agency account's statement: matched lines confirm their payments, the
    others are kept for a person to resolve. Desk officers and leaders of units."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": StatementUploadSerializer},
        responses=inline_serializer(
            "StatementOutcome",
            {
                "confirmed": serializers.ListField(child=serializers.CharField()),
                "already_recorded": serializers.IntegerField(),
                "unmatched": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def post(self, request):
        if not (
            request.user.is_superuser or request.user.has_role(Role.DESK_OFFICER, Role.UNIT_LEADER)
        ):
            raise PermissionDenied(_("Desk officers and unit leaders reconcile the statements."))
        body = StatementUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            lines = read_statement(body.validated_data["file"])
        except TransitionError as error:
            raise as_api_error(error, upload_field="file") from None
        outcome = reconcile(
            lines, request.user, requests_of(Dossier.objects.visible_to(request.user))
        )
        return Response(
            {
                "confirmed": outcome.confirmed,
                "already_recorded": len(outcome.already),
                "unmatched": [
                    {"transaction_id": line.transaction_id, "amount": line.amount, "problem": why}
                    for line, why in outcome.unmatched
                ],
            }
        )


class PaymentRowSerializer(Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    requested = serializers.IntegerField()
    paid_online = serializers.IntegerField()
    paid_at_counter = serializers.IntegerField()
    collected = serializers.IntegerField()
    online_share = serializers.FloatField(allow_null=True)


class PaymentReportView(UnitPeriodReportView):
    """Fees requested and paid per receiving unit for a period, and the fee-bearing
    procedures paid online."""

    row_serializer = PaymentRowSerializer

    @report_schema(
        "PaymentReport",
        PaymentRowSerializer,
        procedures=inline_serializer(
            "PaymentProcedures",
            {"fee_bearing": serializers.IntegerField(), "paid_online": serializers.IntegerField()},
        ),
    )
    def get(self, request):
        return super().get(request)

    def figures(self, first, last, dossiers):
        return selectors.payment_figures(first, last, dossiers)

    def more(self, first, last, dossiers):
        procedures = selectors.procedure_figures(first, last, dossiers)
        return {
            "procedures": {
                "fee_bearing": procedures.fee_bearing,
                "paid_online": procedures.paid_online,
            }
        }


api_urlpatterns = [
    path("dossiers/<str:code>/fees/", DossierFeesView.as_view(), name="api-fees"),
    path("dossiers/<str:code>/fees/cash/", CashView.as_view(), name="api-fees-cash"),
    path("dossiers/<str:code>/fees/<int:pk>/", FeeLineView.as_view(), name="api-fee-line"),
    path("payments/gateway/", GatewayCallbackView.as_view(), name="api-gateway-callback"),
    path("payments/statements/", StatementView.as_view(), name="api-statements"),
    path("reports/payments/", PaymentReportView.as_view(), name="api-report-payments"),
]
