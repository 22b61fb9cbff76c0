from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.forms import BaseInlineFormSet, Textarea
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Field, Procedure, ProcedureVersion, RequiredDocument, WorkflowStep
from .services import publishing
from .words import time_limit_words

_COMPACT_TEXT = {
    models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})},
    models.URLField: {"assume_scheme": "https"},
}


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "procedure_count")
    list_editable = ("order",)
    search_fields = ("name", "code")
    ordering = ("order", "name")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(procedure_count=Count("procedures"))

    @admin.display(description=_("procedures"), ordering="procedure_count")
    def procedure_count(self, field):
        return field.procedure_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            # The field's name is part of its procedures' search text.
            publishing.refresh_search_text(obj.procedures.all())


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0
    fields = (
        "order",
        "case",
        "name",
        "originals",
        "copies",
        "kind",
        "is_required",
        "form_name",
        "form_url",
        "form_file",
    )
    formfield_overrides = _COMPACT_TEXT


class WorkflowFormSet(BaseInlineFormSet):
    """The internal steps share the whole time limit: their shares add up to 100 %."""

    def clean(self):
        super().clean()
        shares = [
            form.cleaned_data.get("share") or Decimal(0)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if shares and sum(shares) != 100:
            raise ValidationError(
                _("The shares of the internal steps must add up to 100 %% (now %(total)s %%).")
                % {"total": sum(shares)}
            )


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    formset = WorkflowFormSet
    extra = 0
    fields = ("order", "name", "unit", "role", "share")
    autocomplete_fields = ("unit",)


class ProcedureVersionInline(admin.TabularInline):
    """Versions are written at intake (services.versions.current_version) and never edited."""

    model = ProcedureVersion
    extra = 0
    fields = ("number", "created_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    ordering = ("-number",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "level", "time_limit", "online_level", "published")
    list_filter = (
        "field",
        "level",
        "online_level",
        "published",
        "inter_agency",
        "time_limit_stated",
    )
    # Searched through Procedure.objects.search, which ignores diacritics (see below).
    search_fields = ("code", "name")
    search_help_text = _("Code or name; diacritics are ignored.")
    list_select_related = ("field",)
    list_per_page = 50
    autocomplete_fields = ("handling_units",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (RequiredDocumentInline, WorkflowStepInline, ProcedureVersionInline)
    actions = ("publish", "unpublish")
    formfield_overrides = _COMPACT_TEXT
    fieldsets = (
        (None, {"fields": ("code", "name", "field", "level", "kind", "published")}),
        (
            _("Who handles it"),
            {"fields": ("handling_units", "handling_agency", "inter_agency")},
        ),
        (
            _("Applicants"),
            {"fields": ("applicant_type", "applicants", "conditions")},
        ),
        (
            _("Time limit and fees"),
            {
                "fields": (
                    ("time_limit_amount", "time_limit_unit", "same_day_cutoff"),
                    "time_limit_stated",
                    "time_limit_note",
                    "channel_terms",
                    ("fee_amount", "fee_description"),
                )
            },
        ),
        (
            _("Steps, result and legal basis"),
            {"fields": ("steps", "result", "legal_basis", "related")},
        ),
        (
            _("Publication"),
            {
                "fields": (
                    "online_level",
                    "publication_decision",
                    "effective_date",
                    ("created_at", "updated_at"),
                )
            },
        ),
    )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    @admin.display(description=_("time limit"))
    def time_limit(self, procedure):
        return time_limit_words(
            procedure.time_limit_amount, procedure.time_limit_unit, procedure.same_day_cutoff
        )

    @admin.action(description=_("Publish the selected procedures"), permissions=["change"])
    def publish(self, request, queryset):
        self._report(request, publishing.set_published(queryset, True), published=True)

    @admin.action(
        description=_("Withdraw the selected procedures from the public catalogue"),
        permissions=["change"],
    )
    def unpublish(self, request, queryset):
        self._report(request, publishing.set_published(queryset, False), published=False)

    def _report(self, request, count, *, published):
        if published:
            text = ngettext(
                "%(count)d procedure published.", "%(count)d procedures published.", count
            )
        else:
            text = ngettext(
                "%(count)d procedure withdrawn.", "%(count)d procedures withdrawn.", count
            )
        self.message_user(request, text % {"count": count}, messages.SUCCESS)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    """The frozen terms dossiers were received under: read only, for everyone."""

    list_display = ("procedure", "number", "created_at")
    list_select_related = ("procedure",)
    search_fields = ("procedure__code", "procedure__name")
    fields = ("procedure", "number", "created_at", "snapshot")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
