"""The digitisation report endpoint: per receiving unit, the dossiers received in a period,
how many are fully digitised, and their papers digitised, exempt and reused. Thin: the
counting is ``digitisation``'s, the access rule and the period's rules the on-time report's,
and the dossiers start from ``visible_to``."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Dossier
from .access import report_units
from .api import PERIOD_PARAMETERS, CanReadReports
from .digitisation import digitisation_figures
from .late_api import LateQuerySerializer


class DigitisationQuerySerializer(LateQuerySerializer):
    """``from``/``to`` and a unit of the caller's scope, as the why-late report takes them."""

    group = None


class DigitisationRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    received = serializers.IntegerField()
    fully_digitised = serializers.IntegerField()
    fully_digitised_rate = serializers.FloatField(allow_null=True, help_text="per cent")
    components = serializers.IntegerField()
    components_digitised = serializers.IntegerField()
    components_exempt = serializers.IntegerField()
    reused = serializers.IntegerField()
    dossiers_reusing = serializers.IntegerField()
    reuse_rate = serializers.FloatField(allow_null=True, help_text="per cent")
    resolved = serializers.IntegerField()
    electronic_results = serializers.IntegerField()
    electronic_result_rate = serializers.FloatField(allow_null=True, help_text="per cent")


class DigitisationReportView(APIView):
    """Digitisation figures per receiving unit for a period."""

    permission_classes = [CanReadReports]

    @extend_schema(
        parameters=[
            *PERIOD_PARAMETERS,
        ],
        responses=inline_serializer(
            "DigitisationReport",
            {
                "from": serializers.DateField(),
                "to": serializers.DateField(),
                "results": DigitisationRowSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        query = DigitisationQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        units = report_units(request.user, within=params.get("unit"))
        dossiers = Dossier.objects.visible_to(request.user).filter(receiving_unit__in=units)
        rows = digitisation_figures(params["start"], params["end"], dossiers)
        return Response(
            {
                "from": params["start"],
                "to": params["end"],
                "results": DigitisationRowSerializer(rows, many=True).data,
            }
        )
