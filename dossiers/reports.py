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
from core.roles import Role
from procedures.models import Field, Procedure

from .models import service_unit
from .report_files import XLSX_MIME, report_csv, report_xlsx
from .statistics import on_time_report

REPORT_ROLES = (Role.LEADER, Role.UNIT_LEADER, Role.INDEX_OFFICER)


def report_units(user):
    """The receiving units whose figures ``user`` may see: the subtree of the unit they
    serve (all units for a superuser)."""
    if user.is_superuser:
        return None
    if not user.has_role(*REPORT_ROLES) or user.unit is None:
        return Unit.objects.none()
    return Unit.objects.subtree(service_unit(user.unit))


class CanReadReports(permissions.BasePermission):
    message = _("Reports are for leaders and reform index officers.")

    def has_permission(self, request, view):
        user = request.user
        return user.is_authenticated and (user.is_superuser or user.has_role(*REPORT_ROLES))


class ReportQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(
        choices=["unit", "field", "procedure", "month"], default="unit"
    )
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
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

    def to_internal_value(self, data):
        # "from" and "to" are the published names; Python cannot name fields "from".
        data = data.copy()
        for public, internal in (("from", "start"), ("to", "end")):
            if public in data:
                data[internal] = data[public]
        return super().to_internal_value(data)

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
            OpenApiParameter("from", OpenApiTypes.DATE, description="default 1 January"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="default today"),
            OpenApiParameter("unit", str, description="unit code: that unit and below"),
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
        units = report_units(request.user)
        if params.get("unit"):
            chosen = Unit.objects.subtree(params["unit"])
            units = chosen if units is None else units.filter(pk__in=chosen.values("pk"))
        rows = on_time_report(
            params["start"],
            params["end"],
            params["group_by"],
            units=units,
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
