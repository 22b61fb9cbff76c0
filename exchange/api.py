"""The national exchange's API. The national portal's door: ``POST
/api/v1/national/dossiers/`` takes a dossier filed there, in the national payload, from a
partner holding one of ``NATIONAL_INBOUND_KEYS`` (header ``X-Partner-Key``); idempotent on
the national code; field-level errors for a malformed payload, with nothing saved;
answers as the national side expects, ``{error_code, message}`` plus the local code. For
staff: the outbox's health, a retry of a failed message, and the sync rate per unit."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.throttles import PartnerThrottle
from dossiers.models import Dossier
from dossiers.reporting.api import CanReadReports
from dossiers.reporting.digitisation_api import UnitPeriodReportView, report_schema
from dossiers.services.errors import TransitionError
from dossiers.services.intake import file_from_national_portal, receiving_units

from .inbound import NationalDossierSerializer, partner_of
from .models import SyncItem
from .selectors import outbox_health, sync_figures
from .services import retry


@dataclass(frozen=True)
class Partner:
    """The national side, signed in by its key for this one request."""

    name: str
    is_authenticated = True
    is_active = True
    is_superuser = False


class PartnerKey(BaseAuthentication):
    """``X-Partner-Key``: one of ``NATIONAL_INBOUND_KEYS``; none or another is a 401."""

    def authenticate(self, request):
        name = partner_of(request.headers.get("X-Partner-Key", ""))
        if name is None:
            raise AuthenticationFailed(_("Unknown partner credential."))
        return Partner(name), None

    def authenticate_header(self, request):
        return 'Partner realm="national"'


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    """The partner key in the schema, as an API key in its header."""

    target_class = PartnerKey
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Partner-Key"}


class NationalDossierView(APIView):
    authentication_classes = [PartnerKey]
    permission_classes = [IsAuthenticated]
    throttle_classes = [PartnerThrottle]

    @extend_schema(
        request=NationalDossierSerializer,
        responses={
            200: inline_serializer(
                "NationalAnswer",
                {
                    "error_code": serializers.IntegerField(),
                    "message": serializers.CharField(),
                    "MaHoSo": serializers.CharField(),
                    "MaHoSoQG": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request):
        body = NationalDossierSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        unit = body.validated_data["DonViTiepNhan"]
        if unit not in set(receiving_units(body.validated_data["MaTTHC"])):
            raise ValidationError(
                {"DonViTiepNhan": [_("This unit does not receive this procedure.")]}
            )
        try:
            dossier, created = file_from_national_portal(
                body.intake(), unit, body.validated_data["MaHoSo"]
            )
        except TransitionError as error:
            raise ValidationError({error.field or "MaHoSo": [error.message]}) from None
        message = _("Received.") if created else _("Already received.")
        return Response(
            {
                "error_code": 0,
                "message": message,
                "MaHoSo": dossier.code,
                "MaHoSoQG": dossier.external_code,
            }
        )


class SyncRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    received = serializers.IntegerField()
    synced = serializers.IntegerField()
    sync_rate = serializers.FloatField(allow_null=True, help_text="per cent")


class SyncReportView(UnitPeriodReportView):
    """Dossiers received per unit in a period and how many are synchronised (1.4)."""

    row_serializer = SyncRowSerializer

    @report_schema("NationalSyncReport", SyncRowSerializer)
    def get(self, request):
        return super().get(request)

    def figures(self, first, last, dossiers):
        return sync_figures(first, last, dossiers)


class OutboxView(APIView):
    """The outbox's health: what waits, what failed and why, how far behind it is."""

    permission_classes = [CanReadReports]

    @extend_schema(
        responses=inline_serializer(
            "NationalOutbox",
            {
                "pending": serializers.IntegerField(),
                "failed": serializers.IntegerField(),
                "lag_seconds": serializers.IntegerField(allow_null=True),
                "failures_by_reason": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request):
        health = outbox_health()
        return Response(
            {
                "pending": health.pending,
                "failed": health.failed,
                "lag_seconds": health.lag_seconds,
                "failures_by_reason": [
                    {"reason": reason, "count": count}
                    for reason, count in health.failures_by_reason
                ],
            }
        )


class RetryView(APIView):
    """Send a failed message again, once its cause is fixed (the dossier's scope only)."""

    permission_classes = [CanReadReports]

    @extend_schema(
        request=None, responses=inline_serializer("Retried", {"state": serializers.CharField()})
    )
    def post(self, request, pk):
        item = get_object_or_404(
            SyncItem, pk=pk, dossier__in=Dossier.objects.visible_to(request.user)
        )
        retry(item)
        item.refresh_from_db()
        return Response({"state": item.state})


api_urlpatterns = [
    path("reports/national-sync/", SyncReportView.as_view(), name="api-report-national-sync"),
    path("national/outbox/", OutboxView.as_view(), name="api-national-outbox"),
    path("national/outbox/<int:pk>/retry/", RetryView.as_view(), name="api-national-retry"),
    path("national/dossiers/", NationalDossierView.as_view(), name="api-national-dossiers"),
]
