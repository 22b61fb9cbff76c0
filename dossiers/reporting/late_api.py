"""The why-late endpoint: the late dossiers of a period grouped by the unit, step, officer
or procedure that held them when their time ran out, their paged list and the dossiers at
risk, as the dashboard's why-late page shows them. Thin: the reads are ``late``, the access
rule and the period's rules the on-time report's."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import Unit
from core.pagination import EstimatedCountPagination
from core.selectors import get_working_calendar

from ..words import person
from . import late
from .access import report_units
from .api import PERIOD_PARAMETERS, CanReadReports, ReportQuerySerializer

GROUPINGS = [grouping for grouping, _label in late.GROUPING_CHOICES]


class LateQuerySerializer(ReportQuerySerializer):
    """The page's filter: ``from``/``to`` under the on-time report's rules, a unit of the
    caller's scope, and what to group the late dossiers by."""

    # Not filters of this report.
    group_by = field = procedure = format = None
    group = serializers.ChoiceField(
        choices=GROUPINGS,
        default=late.Grouping.UNIT,
        error_messages={"invalid_choice": _("Group by unit, step, officer or procedure.")},
    )
    unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.none(),
        required=False,
        error_messages={"does_not_exist": _("No unit with this code in your scope.")},
    )

    def get_fields(self):
        fields = super().get_fields()
        # A unit outside the caller's scope is refused as unknown, not read as empty.
        fields["unit"].queryset = report_units(self.context["request"].user)
        return fields


class LateGroupSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True, help_text="unit or procedure code, user name, step"
    )
    name = serializers.CharField()
    count = serializers.IntegerField(source="late")
    finished_late = serializers.IntegerField()
    open_overdue = serializers.IntegerField()

    def to_representation(self, instance):
        answer = super().to_representation(instance)
        answer["key"] = instance.code or instance.key or None
        return answer


class LateRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField(source="procedure.name")
    receiving_unit = serializers.CharField(source="receiving_unit.display_name")
    holding_unit = serializers.CharField(source="held_unit")
    holding_officer = serializers.CharField(source="held_officer")
    step = serializers.CharField(source="held_step")
    due_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(source="resolved_at", allow_null=True)
    days_late = serializers.SerializerMethodField(help_text="working days")

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_days_late(self, row):
        return late.days_late(row, self.context["now"], self.context["calendar"])


class LatePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = LateRowSerializer(many=True)


class AtRiskRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField(source="procedure.name")
    receiving_unit = serializers.CharField(source="receiving_unit.display_name")
    handling_unit = serializers.CharField(source="handling_unit.display_name", allow_null=True)
    handling_officer = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField()

    def get_handling_officer(self, dossier) -> str:
        return person(dossier.handler)


class AtRiskSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = AtRiskRowSerializer(many=True)


class LateReportView(APIView):
    """Why late: the period's late dossiers by holder, their list, and those at risk."""

    permission_classes = [CanReadReports]

    @extend_schema(
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter("group", enum=GROUPINGS, description="default unit"),
            OpenApiParameter(
                "page", {"type": "integer", "minimum": 1}, description="page of the late dossiers"
            ),
        ],
        responses={
            200: inline_serializer(
                "LateReport",
                {
                    "from": serializers.DateField(),
                    "to": serializers.DateField(),
                    "group": serializers.ChoiceField(choices=GROUPINGS),
                    "groups": LateGroupSerializer(many=True),
                    "dossiers": LatePageSerializer(),
                    "at_risk": AtRiskSerializer(),
                },
            ),
            404: OpenApiResponse(description=_("A page of the late dossiers past the last.")),
        },
    )
    def get(self, request):
        query = LateQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        params, user, now = query.validated_data, request.user, timezone.now()
        first, last, unit = params["start"], params["end"], params.get("unit")
        paginator = EstimatedCountPagination()
        dossiers = late.late_dossiers(user, first, last, unit, now)
        page = paginator.paginate_queryset(
            dossiers.select_related(*late.ROW_RELATED), request, view=self
        )
        context = {"now": now, "calendar": get_working_calendar()}
        rows = LateRowSerializer(late.with_holder_names(page), many=True, context=context)
        at_risk = late.at_risk(user, unit, now)
        groups = late.late_groups(user, first, last, params["group"], unit, now)
        return Response(
            {
                "from": first,
                "to": last,
                "group": params["group"],
                "groups": LateGroupSerializer(groups, many=True).data,
                "dossiers": paginator.get_paginated_response(rows.data).data,
                "at_risk": {
                    "count": at_risk.count(),
                    "results": AtRiskRowSerializer(at_risk[: late.AT_RISK_LENGTH], many=True).data,
                },
            }
        )
