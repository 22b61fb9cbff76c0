"""Reads of the shared kernel with business meaning."""

from django.conf import settings
from django.core.cache import cache

from .models import CalendarOverride, OverrideKind, Unit, UnitKind
from .workdays import WorkingCalendar, parse_periods

CALENDAR_CACHE_KEY = "core:working-calendar:v1"


def build_working_calendar():
    overrides = CalendarOverride.objects.values_list("date", "kind")
    return WorkingCalendar(
        periods=parse_periods(settings.ONESTOP_OFFICE_HOURS),
        holidays=frozenset(day for day, kind in overrides if kind == OverrideKind.HOLIDAY),
        makeup_days=frozenset(day for day, kind in overrides if kind == OverrideKind.WORKDAY),
    )


def get_working_calendar():
    """The calendar every deadline is computed with, cached until an override changes."""
    calendar = cache.get(CALENDAR_CACHE_KEY)
    if calendar is None:
        calendar = build_working_calendar()
        cache.set(CALENDAR_CACHE_KEY, calendar, timeout=3600)
    return calendar


def top_unit():
    """The installation's top unit: the root of the tree that the portal serves."""
    return Unit.objects.filter(parent__isnull=True).order_by("pk").first()


def scored_units(root=None):
    """Units the reform index scores: the wards and communes below the top unit."""
    root = root or top_unit()
    if root is None:
        return Unit.objects.none()
    return Unit.objects.subtree(root).filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE])
