"""The units' assessments in the back office: read-only scores, and the actions that
compute and close an appraisal through the services."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import (
    Assessment,
    Score,
)
from ..services import appraisal, computing
from .actions import run_service


class ScoreInline(admin.TabularInline):
    """Read-only: points are entered on the self-assessment and appraisal screens."""

    model = Score
    extra = 0
    can_delete = False
    fields = (
        "criterion",
        "self_points",
        "appraised_points",
        "auto_points",
        "numerator",
        "denominator",
        "computed_at",
        "appraisal_comment",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("criterion")
            .order_by("criterion__order", "criterion__code")
        )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("unit", "scorecard", "state", "total", "rank", "grade")
    list_filter = ("scorecard", "state")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit", "scorecard")
    inlines = (ScoreInline,)
    actions = ("compute", "appraise")
    readonly_fields = (
        "scorecard",
        "unit",
        "state",
        "submitted_at",
        "appraised_at",
        "survey_score",
        "total",
        "rank",
        "grade",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Compute the automatic criteria"))
    def compute(self, request, queryset):
        run_service(
            self,
            request,
            queryset.select_related("scorecard", "unit"),
            lambda assessment: computing.compute_assessment(assessment, request.user),
            gettext("Automatic criteria computed for %(count)s unit(s)."),
        )

    @admin.action(description=_("Close the appraisal"))
    def appraise(self, request, queryset):
        run_service(
            self,
            request,
            queryset.select_related("scorecard", "unit"),
            lambda assessment: appraisal.appraise_assessment(assessment, request.user),
            gettext("Appraisal closed for %(count)s unit(s)."),
        )
