"""The on-time report endpoint: JSON rows, or the same rows as CSV or XLSX."""

from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import Unit
from procedures.models import Field, Procedure

from .access import can_read_reports, report_units
from .files import XLSX_MIME, report_csv, report_xlsx
from .on_time import on_time_report

# The period and scope every report takes, as its schema documents them.
PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="default 1 January"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="default today"),
    OpenApiParameter("unit", str, description="unit code: that unit and below"),
]


class CanReadReports(permissions.BasePermission):
    message = _("Reports are for leaders and reform index officers.")

    def has_permission(self, request, view):
        return can_read_reports(request.user)


class ReportQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(
        choices=["unit", "field", "procedure", "month"], default="unit"
    )
    unit = serializers.SlugRelatedField(
        slug_field="code", queryset=Unit.objects.all(), required=False
    )
    field = serializers.SlugRelatedField(
        slug_field="code", queryset=Field.objects.all(), required=False
    )
    procedure = serializers.SlugRelatedField(
        slug_field="code", queryset=Procedure.objects.all(), required=False
    )
    format = serializers.ChoiceField(choices=["json", "csv", "xlsx"], default="json")

    def get_fields(self):
        # "from" and "to" are the published names, which Python cannot give a class
        # attribute: declared here, they read and report errors under those names and
        # hand their values on as "start" and "end".
        return {
            **super().get_fields(),
            "from": serializers.DateField(required=False, source="start"),
            "to": serializers.DateField(required=False, source="end"),
        }

    def validate(self, attrs):
        today = timezone.localdate()
        attrs.setdefault("end", today)
        attrs.setdefault("start", date(attrs["end"].year, 1, 1))
        if attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"from": [_("The start is after the end.")]})
        if (attrs["end"] - attrs["start"]).days > 3660:
            raise serializers.ValidationError({"from": [_("The period is at most ten years.")]})
        return attrs


class ReportRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    received = serializers.IntegerField()
    received_online = serializers.IntegerField()
    finished = serializers.IntegerField()
    early = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    late_with_apology = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    overdue = serializers.IntegerField()
    rated = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    progress_rate = serializers.FloatField(allow_null=True)
    online_share = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)


class OnTimeReportView(APIView):
    """On-time figures per unit, field, procedure or month (roll-up + today's live data)."""

    permission_classes = [CanReadReports]

    @extend_schema(
        parameters=[
            OpenApiParameter("group_by", enum=["unit", "field", "procedure", "month"]),
            *PERIOD_PARAMETERS,
            OpenApiParameter("field", str, description="field code"),
            OpenApiParameter("procedure", str, description="procedure code"),
            OpenApiParameter("format", enum=["json", "csv", "xlsx"]),
        ],
        responses={
            (200, "application/json"): inline_serializer(
                "OnTimeReport",
                {
                    "from": serializers.DateField(),
                    "to": serializers.DateField(),
                    "group_by": serializers.CharField(),
                    "results": ReportRowSerializer(many=True),
                },
            ),
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_MIME): OpenApiTypes.BINARY,
        },
    )
    def get(self, request):
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        rows = on_time_report(
            params["start"],
            params["end"],
            params["group_by"],
            units=report_units(request.user, within=params.get("unit")),
            field=params.get("field"),
            procedure=params.get("procedure"),
        )
        name = f"bao-cao-dung-han-{params['start']:%Y%m%d}-{params['end']:%Y%m%d}"
        if params["format"] == "csv":
            return _download(report_csv(rows), "text/csv; charset=utf-8", f"{name}.csv")
        if params["format"] == "xlsx":
            content = report_xlsx(rows, f"{params['start']:%d-%m-%Y}")
            return _download(content, XLSX_MIME, f"{name}.xlsx")
        return Response(
            {
                "from": params["start"],
                "to": params["end"],
                "group_by": params["group_by"],
                "results": ReportRowSerializer([row.as_dict() for row in rows], many=True).data,
            }
        )


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
