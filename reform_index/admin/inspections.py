"""The inspections in the back office, checked and saved by the same service as
everywhere else."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import (
    Inspection,
)
from ..services import inspections
from .actions import run_service


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = inspections.INSPECTION_FIELDS

    def clean(self):
        data = super().clean()
        candidate = Inspection(**{name: data.get(name) for name in self.Meta.fields})
        for name, problems in inspections.inspection_problems(
            candidate, timezone.localdate()
        ).items():
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

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in inspections.INSPECTION_FIELDS}
        inspections.save_inspection(request.user, values, inspection=obj)

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
            lambda inspection: inspections.set_inspection_published(
                inspection, request.user, published
            ),
            gettext("%(count)s inspection(s) updated."),
        )
