"""The scorecards in the back office, with their criteria: editable while a scorecard is
a draft; every state change is an action that calls a service, which checks the role and
says why it refuses."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import metrics, rules
from ..models import (
    Criterion,
    CriterionKind,
    Scorecard,
    ScorecardState,
)
from ..services import access, computing, criteria_io, lifecycle
from .actions import run_service


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
    STATE_FIELDS = ("state", "published_at", "published_by", "early_publication_reason")

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        # Once the scorecard is open, its grade bands read as a scale, not as JSON.
        if self._frozen(obj):
            kept = [name for name in ScorecardForm.Meta.fields if name != "grade_bands"]
            return (*kept, "grade_scale", *self.STATE_FIELDS)
        return ("grade_scale", *self.STATE_FIELDS)

    def get_exclude(self, request, obj=None):
        return ("grade_bands",) if self._frozen(obj) else super().get_exclude(request, obj)

    @staticmethod
    def _frozen(obj):
        return obj is not None and obj.state != ScorecardState.DRAFT

    @admin.display(description=_("grade scale"))
    def grade_scale(self, obj):
        bands = obj.grade_bands if isinstance(obj.grade_bands, list) else []
        steps = [
            f"{band.get('grade')} ≥ {band.get('min')}" for band in bands if isinstance(band, dict)
        ]
        return " · ".join(steps) or "—"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [
            path("<int:pk>/import-criteria/", view, name="reform_index_scorecard_import"),
            *super().get_urls(),
        ]

    def import_view(self, request, pk):
        scorecard = get_object_or_404(self.get_queryset(request), pk=pk)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            fmt = "csv" if upload.name.lower().endswith(".csv") else "json"
            try:
                count = criteria_io.import_criteria(
                    scorecard, request.user, upload.read(criteria_io.MAX_IMPORT_BYTES + 1), fmt
                )
            except access.Refused as refusal:
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
            lambda scorecard: lifecycle.open_self_assessment(scorecard, request.user),
            gettext("Self-assessment opened for %(count)s scorecard(s)."),
        )

    @admin.action(description=_("Open the appraisal"))
    def open_appraisal(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda scorecard: lifecycle.open_appraisal(scorecard, request.user),
            gettext("Appraisal opened for %(count)s scorecard(s)."),
        )

    @admin.action(description=_("Compute the automatic criteria"))
    def compute(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda scorecard: computing.compute_scorecard(scorecard, request.user),
            gettext("Automatic criteria computed for %(count)s scorecard(s)."),
        )

    @admin.action(description=_("Publish (freeze totals, ranks and grades)"))
    def publish(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda scorecard: lifecycle.publish(scorecard, request.user),
            gettext("%(count)s scorecard(s) published."),
        )

    @admin.action(description=_("Copy to the next year"))
    def copy_to_next_year(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda scorecard: lifecycle.copy_scorecard(scorecard, scorecard.year + 1, request.user),
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
            criteria_io.export_criteria(scorecard, fmt),
            content_type=f"{content_type}; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="tieu-chi-{scorecard.year}.{fmt}"'
        return response
