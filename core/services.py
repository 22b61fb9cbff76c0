"""Writes of the shared kernel that carry a rule."""

from django.core.cache import cache
from django.db import transaction

from .models import CalendarOverride, OverrideSource
from .official_calendar import official_days
from .selectors import CALENDAR_CACHE_KEY


def forget_working_calendar():
    cache.delete(CALENDAR_CACHE_KEY)


@transaction.atomic
def sync_official_calendar(years):
    """Add the official holidays and make-up days for ``years``. Days staff entered or
    edited by hand win: an official entry never overwrites a manual one."""
    manual = set(
        CalendarOverride.objects.filter(source=OverrideSource.MANUAL).values_list("date", flat=True)
    )
    created = 0
    for day, kind, name in official_days(years):
        if day in manual:
            continue
        _obj, was_created = CalendarOverride.objects.update_or_create(
            date=day, defaults={"kind": kind, "name": name, "source": OverrideSource.PACKAGE}
        )
        created += was_created
    transaction.on_commit(forget_working_calendar)
    return created
