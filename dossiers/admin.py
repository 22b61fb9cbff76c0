"""The staff back office for dossiers. Everything is read-only here: every change goes
through a service (the actions below, the desk screens or the API), and every list starts
from ``Dossier.objects.visible_to(request.user)``."""

from django.contrib import admin, messages
from django.contrib.admin.filters import RelatedFieldListFilter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.selectors import get_working_calendar

from . import selectors
from .models import (
    Apology,
    Attachment,
    Dossier,
    DossierEvent,
    DossierStep,
    Rating,
    ReadKind,
    Status,
    SupplementRequest,
)
from .privacy.reads import reason_of, record_read
from .services import transitions
from .services.errors import TransitionError
from .words import action_label, describe_working_time, person


class ReadOnlyAdminMixin:
    """No add, change or delete from the admin, for anyone: the audit trail and the
    dossier's state are written only by services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedUnitFilter(RelatedFieldListFilter):
    """Unit choices limited to the units the user works in (their unit and below)."""

    def field_choices(self, field, request, model_admin):
        units = selectors.scope_units(request.user).order_by("path")
        return [(unit.pk, unit.display_name) for unit in units]


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class EventInline(ReadOnlyInline):
    model = DossierEvent
    verbose_name_plural = _("timeline (audit trail)")
    fields = (
        "at",
        "action_name",
        "by",
        "from_status_name",
        "to_status",
        "from_unit",
        "to_unit",
        "due_at",
        "note",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "from_unit", "to_unit")

    @admin.display(description=_("action"))
    def action_name(self, obj):
        return action_label(obj.action)

    @admin.display(description=_("by"))
    def by(self, obj):
        return person(obj.actor)

    @admin.display(description=_("from status"))
    def from_status_name(self, obj):
        return Status(obj.from_status).label if obj.from_status else ""


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("file_link", "kind", "document", "content_type", "size", "sha256", "uploaded_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("dossier", "document")

    @admin.display(description=_("file"))
    def file_link(self, obj):
        url = reverse("dossiers:desk-attachment", args=[obj.dossier.code, obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, obj)


class SupplementInline(ReadOnlyInline):
    model = SupplementRequest
    fields = ("requested_at", "requested_by_name", "reason", "fulfilled_at", "fulfilled_note")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by")

    @admin.display(description=_("requested by"))
    def requested_by_name(self, obj):
        return person(obj.requested_by)


class StepInline(ReadOnlyInline):
    model = DossierStep
    fields = ("order", "name", "unit", "handler_name", "started_at", "due_at", "finished_at")
    fields += ("verdict", "rework_count")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit", "handler")

    @admin.display(description=_("handling officer"))
    def handler_name(self, obj):
        return person(obj.handler)


class ApologyInline(ReadOnlyInline):
    model = Apology
    fields = (
        "issued_at",
        "issued_by_name",
        "reason",
        "previous_appointment_at",
        "new_appointment_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("issued_by")

    @admin.display(description=_("issued by"))
    def issued_by_name(self, obj):
        return person(obj.issued_by)


def _run_service(modeladmin, request, queryset, service, done):
    """Call ``service(dossier, user)`` on each selected dossier; report each failure with
    its reason and the successes in one line."""
    succeeded = 0
    for dossier in queryset.select_related("handling_unit", "receiving_unit"):
        try:
            service(dossier, request.user)
        except TransitionError as error:
            modeladmin.message_user(request, f"{dossier.code}: {error.message}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done % {"count": succeeded}, messages.SUCCESS)


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "applicant_name",
        "procedure_code",
        "status",
        "handling_unit",
        "received_at",
        "due_at",
        "verdict",
        "desk_link",
    )
    list_filter = (
        "status",
        "channel",
        ("receiving_unit", ScopedUnitFilter),
        ("handling_unit", ScopedUnitFilter),
        "verdict",
        "procedure__field",
    )
    search_fields = ("code", "applicant_name", "=applicant_phone")
    date_hierarchy = "received_at"
    list_select_related = ("procedure", "handling_unit")
    # The full count is a second COUNT(*) over every visible dossier on each page view.
    show_full_result_count = False
    list_per_page = 50
    inlines = (EventInline, StepInline, AttachmentInline, SupplementInline, ApologyInline)
    actions = ("receive_selected", "transfer_selected", "return_selected")
    fieldsets = (
        (None, {"fields": ("code", "status", "procedure", "procedure_version", "channel")}),
        (
            _("Applicant"),
            {
                "fields": (
                    "applicant_kind",
                    "applicant_name",
                    "applicant_id_number",
                    "applicant_phone",
                    "applicant_email",
                    "applicant_address",
                    "applicant_user",
                    "summary",
                )
            },
        ),
        (
            _("Handling"),
            {
                "fields": (
                    "receiving_unit",
                    "handling_unit",
                    "handler",
                    "step_index",
                    "step_due_at",
                    "supplement_count",
                    "apology_count",
                )
            },
        ),
        (
            _("Time"),
            {
                "fields": (
                    ("limit_amount", "limit_unit", "limit_cutoff"),
                    "submitted_at",
                    "received_at",
                    "allowance_words",
                    "due_at",
                    "appointment_at",
                    "paused_at",
                    "resolved_at",
                    "returned_at",
                    "closed_at",
                    "verdict",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields] + ["allowance_words"]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The dossier's page here shows the applicant's data: a read (docs/privacy.md).
        if obj is not None:
            record_read(request.user, obj, ReadKind.PAGE, _("Back office"), reason_of(request))
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("working time allowed"))
    def allowance_words(self, obj):
        if obj.allowance is None:
            return ""
        return describe_working_time(obj.allowance, get_working_calendar())

    @admin.display(description=_("procedure"), ordering="procedure__code")
    def procedure_code(self, obj):
        # A bare code tells nobody what the dossier is for; the name is cut to fit a row.
        return f"{obj.procedure.code} — {Truncator(obj.procedure.name).chars(60)}"

    @admin.display(description=_("desk screen"))
    def desk_link(self, obj):
        url = reverse("dossiers:desk-dossier", args=[obj.code])
        return format_html('<a href="{}">{}</a>', url, gettext("Open"))

    @admin.action(description=_("Receive the selected dossiers"))
    def receive_selected(self, request, queryset):
        _run_service(
            self, request, queryset, transitions.receive, gettext("%(count)s dossiers received.")
        )

    @admin.action(description=_("Transfer the selected dossiers to their next step"))
    def transfer_selected(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            transitions.transfer,
            gettext("%(count)s dossiers transferred."),
        )

    @admin.action(description=_("Return the result of the selected dossiers"))
    def return_selected(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            transitions.return_result,
            gettext("%(count)s results returned."),
        )


class DossierChildAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A table hanging off a dossier, scoped by the dossiers the user may see."""

    list_select_related = ("dossier",)
    search_fields = ("dossier__code",)

    def get_queryset(self, request):
        visible = Dossier.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(dossier__in=visible)


@admin.register(SupplementRequest)
class SupplementRequestAdmin(DossierChildAdmin):
    list_display = ("dossier", "requested_at", "during_handling", "fulfilled_at")
    list_filter = ("during_handling",)
    date_hierarchy = "requested_at"


@admin.register(Apology)
class ApologyAdmin(DossierChildAdmin):
    list_display = ("dossier", "issued_at", "previous_appointment_at", "new_appointment_at")
    date_hierarchy = "issued_at"


@admin.register(Rating)
class RatingAdmin(DossierChildAdmin):
    list_display = ("dossier", "level", "rated_at")
    list_filter = ("level",)
    date_hierarchy = "rated_at"
