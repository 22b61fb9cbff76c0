"""The reform index back office: scorecards with their criteria, the units' assessments
and the inspections. Criteria are edited here while a scorecard is a draft; every state
change is an action that calls a service, which checks the role and says why it refuses."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import metrics, rules, services
from .models import (
    Assessment,
    Criterion,
    CriterionKind,
    Inspection,
    Score,
    Scorecard,
    ScorecardState,
)


def run_service(modeladmin, request, objects, call, done):
    """``call(obj)`` for each selected object: each refusal is reported with its reason,
    the successes in one line."""
    succeeded = 0
    for obj in objects:
        try:
            call(obj)
        except services.Refused as refusal:
            modeladmin.message_user(request, f"{obj}: {refusal.message}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done % {"count": succeeded}, messages.SUCCESS)


# --- scorecards and criteria ---------------------------------------------------------------


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ("code", "parent", "name", "max_points", "kind", "metric", "rule")
        fields += ("rule_params", "guidance", "order")

    def clean(self):
        data = super().clean()
        if data.get("kind") != CriterionKind.AUTOMATIC:
            if data.get("metric") or data.get("rule"):
                raise forms.ValidationError(_("Only automatic criteria have a metric and a rule."))
            return data
        if not data.get("metric"):
            self.add_error("metric", _("Choose the metric of this automatic criterion."))
        if not data.get("rule"):
            self.add_error("rule", _("Choose the rule: ratio or bands."))
        if data.get("metric") and data.get("rule") and data.get("max_points") is not None:
            problems = rules.rule_problems(
                data["rule"],
                data.get("rule_params") or {},
                data["max_points"],
                counts=metrics.counts(data["metric"]),
            )
            for problem in problems:
                self.add_error("rule_params", problem)
        return data


class CriterionInline(admin.TabularInline):
    model = Criterion
    form = CriterionForm
    extra = 0
    fk_name = "scorecard"

    def get_formset(self, request, obj=None, **kwargs):
        self.scorecard = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            scorecard = getattr(self, "scorecard", None)
            kwargs["queryset"] = Criterion.objects.filter(scorecard=scorecard)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _editable(self, request, obj):
        return obj is None or obj.state == ScorecardState.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


class ScorecardForm(forms.ModelForm):
    class Meta:
        model = Scorecard
        fields = ("year", "title", "period_start", "period_end", "survey_points", "grade_bands")

    def clean_grade_bands(self):
        bands = self.cleaned_data["grade_bands"]
        problems = rules.grade_band_problems(bands)
        if problems:
            raise forms.ValidationError(problems)
        return bands

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (JSON or CSV)"))


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    form = ScorecardForm
    list_display = ("year", "title", "state", "survey_points", "published_at")
    list_filter = ("state",)
    inlines = (CriterionInline,)
    actions = (
        "open_self_assessment",
        "open_appraisal",
        "compute",
        "publish",
        "copy_to_next_year",
        "export_json",
        "export_csv",
    )
    STATE_FIELDS = ("state", "published_at", "published_by")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state != ScorecardState.DRAFT:
            return (*ScorecardForm.Meta.fields, *self.STATE_FIELDS)
        return self.STATE_FIELDS

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [
            path("<int:pk>/import-criteria/", view, name="reform_index_scorecard_import"),
            *super().get_urls(),
        ]

    def import_view(self, request, pk):
        scorecard = get_object_or_404(Scorecard, pk=pk)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            fmt = "csv" if upload.name.lower().endswith(".csv") else "json"
            try:
                count = services.import_criteria(
                    scorecard, request.user, upload.read(services.MAX_IMPORT_BYTES + 1), fmt
                )
            except services.Refused as refusal:
                for problems in refusal.errors.values():
                    for problem in problems:
                        form.add_error("file", problem)
            else:
                self.message_user(
                    request, gettext("%(count)s criteria imported.") % {"count": count}
                )
                change = reverse("admin:reform_index_scorecard_change", args=[scorecard.pk])
                return HttpResponseRedirect(change)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": scorecard,
            "form": form,
            "title": gettext("Import criteria into %(scorecard)s") % {"scorecard": scorecard},
        }
        return TemplateResponse(
            request, "admin/reform_index/scorecard/import_criteria.html", context
        )

    @admin.action(description=_("Open the self-assessment"))
    def open_self_assessment(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda scorecard: services.open_self_assessment(scorecard, request.user),
            gettext("Self-assessment opened for %(count)s scorecard(s)."),
        )

    @admin.action(description=_("Open the appraisal"))
    def open_appraisal(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda scorecard: services.open_appraisal(scorecard, request.user),
            gettext("Appraisal opened for %(count)s scorecard(s)."),
        )

    @admin.action(description=_("Compute the automatic criteria"))
    def compute(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda scorecard: services.compute_scorecard(scorecard, request.user),
            gettext("Automatic criteria computed for %(count)s scorecard(s)."),
        )

    @admin.action(description=_("Publish (freeze totals, ranks and grades)"))
    def publish(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda scorecard: services.publish(scorecard, request.user),
            gettext("%(count)s scorecard(s) published."),
        )

    @admin.action(description=_("Copy to the next year"))
    def copy_to_next_year(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda scorecard: services.copy_scorecard(scorecard, scorecard.year + 1, request.user),
            gettext("%(count)s scorecard(s) copied to the next year."),
        )

    @admin.action(description=_("Export the criteria (JSON)"))
    def export_json(self, request, queryset):
        return self._export(request, queryset, "json")

    @admin.action(description=_("Export the criteria (CSV)"))
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    def _export(self, request, queryset, fmt):
        if queryset.count() != 1:
            self.message_user(request, gettext("Choose one scorecard to export."), messages.ERROR)
            return None
        scorecard = queryset.get()
        content_type = "text/csv" if fmt == "csv" else "application/json"
        response = HttpResponse(
            services.export_criteria(scorecard, fmt), content_type=f"{content_type}; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="tieu-chi-{scorecard.year}.{fmt}"'
        return response


# --- assessments ---------------------------------------------------------------------------


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
            lambda assessment: services.compute_assessment(assessment, request.user),
            gettext("Automatic criteria computed for %(count)s unit(s)."),
        )

    @admin.action(description=_("Close the appraisal"))
    def appraise(self, request, queryset):
        run_service(
            self,
            request,
            queryset.select_related("scorecard", "unit"),
            lambda assessment: services.appraise_assessment(assessment, request.user),
            gettext("Appraisal closed for %(count)s unit(s)."),
        )


# --- inspections ---------------------------------------------------------------------------


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = services.INSPECTION_FIELDS

    def clean(self):
        data = super().clean()
        candidate = Inspection(**{name: data.get(name) for name in self.Meta.fields})
        for name, problems in services.inspection_problems(candidate, timezone.localdate()).items():
            if name in self.fields and name not in self.errors:
                for problem in problems:
                    self.add_error(name, problem)
        return data


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    form = InspectionForm
    list_display = ("date", "unit", "kind", "violations", "published")
    list_filter = ("kind", "published", "unit")
    search_fields = ("team", "findings", "unit__name")
    date_hierarchy = "date"
    list_select_related = ("unit",)
    actions = ("publish", "unpublish")

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in services.INSPECTION_FIELDS}
        services.save_inspection(request.user, values, inspection=obj)

    @admin.action(description=_("Publish the selected inspections"))
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Withdraw the selected inspections from publication"))
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published):
        run_service(
            self,
            request,
            queryset.select_related("unit"),
            lambda inspection: services.set_inspection_published(
                inspection, request.user, published
            ),
            gettext("%(count)s inspection(s) updated."),
        )
