from django.conf import settings
from django.db import migrations

from core.official_calendar import official_days, parse_year_range


def seed_official_calendar(apps, schema_editor):
    override = apps.get_model("core", "CalendarOverride")
    years = parse_year_range(settings.ONESTOP_HOLIDAY_YEARS)
    override.objects.bulk_create(
        [
            override(date=day, kind=kind, name=name, source="package")
            for day, kind, name in official_days(years)
        ],
        ignore_conflicts=True,
    )


def remove_official_calendar(apps, schema_editor):
    apps.get_model("core", "CalendarOverride").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_role_groups")]

    operations = [migrations.RunPython(seed_official_calendar, remove_official_calendar)]
