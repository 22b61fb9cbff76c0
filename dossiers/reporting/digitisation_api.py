"""Reports per receiving unit and period (``UnitPeriodReportView``, which the payments and
national-sync reports use too) and the digitisation report: the dossiers received, how
many are fully digitised, their papers digitised, exempt and reused, and the electronic
results. Thin: the counting is the selectors', the access rule and the period's rules the
on-time report's, and the dossiers start from ``visible_to``."""

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


class UnitPeriodReportView(APIView):
    """A report per receiving unit for a period, over the caller's dossiers in scope:
    ``figures(first, last, dossiers)`` gives the rows, ``row_serializer`` writes them and
    ``more(first, last, dossiers)`` adds keys beside them. The digitisation, payment and
    national-sync reports are this view with their own selector."""

    permission_classes = [CanReadReports]
    row_serializer = None

    def figures(self, first, last, dossiers):
        raise NotImplementedError

    def more(self, first, last, dossiers):
        return {}

    def get(self, request):
        query = DigitisationQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        units = report_units(request.user, within=params.get("unit"))
        dossiers = Dossier.objects.visible_to(request.user).filter(receiving_unit__in=units)
        first, last = params["start"], params["end"]
        rows = self.figures(first, last, dossiers)
        return Response(
            {
                "from": first,
                "to": last,
                "results": self.row_serializer(rows, many=True).data,
                **self.more(first, last, dossiers),
            }
        )


def report_schema(name, row_serializer, **more):
    """The schema of a ``UnitPeriodReportView``: the period parameters and its answer."""
    return extend_schema(
        parameters=[*PERIOD_PARAMETERS],
        responses=inline_serializer(
            name,
            {
                "from": serializers.DateField(),
                "to": serializers.DateField(),
                "results": row_serializer(many=True),
                **more,
            },
        ),
    )


class DigitisationReportView(UnitPeriodReportView):
    """Digitisation figures per receiving unit for a period."""

    row_serializer = DigitisationRowSerializer

    @report_schema("DigitisationReport", DigitisationRowSerializer)
    def get(self, request):
        return super().get(request)

    def figures(self, first, last, dossiers):
        return digitisation_figures(first, last, dossiers)
