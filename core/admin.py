from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import CalendarOverride, OverrideSource, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("path",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "get_full_name", "unit", "roles", "is_active")
    list_filter = ("groups", "is_staff", "is_active", "unit__kind")
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("unit", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Portal"), {"fields": ("unit", "phone", "groups")}),
    )

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("groups")
        if request.user.is_superuser:
            return users
        # Leaders read the accounts of the staff under them; citizens' accounts (names,
        # phone numbers) and other units' staff are not theirs to browse.
        if request.user.unit is None:
            return users.none()
        return users.filter(unit__in=Unit.objects.subtree(request.user.unit))

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name", "source")
    list_filter = ("kind", "source")
    search_fields = ("name",)
    date_hierarchy = "date"
    readonly_fields = ("source",)

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")

    def save_model(self, request, obj, form, change):
        # A day staff touched is theirs: the next official sync must not overwrite it.
        obj.source = OverrideSource.MANUAL
        super().save_model(request, obj, form, change)
