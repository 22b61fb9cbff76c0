from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the demo data of every app (units, users, catalogue, dossiers, index). "
        "Idempotent: safe to run again."
    )

    def handle(self, *args, **options):
        # Each app seeds its own data in its ``demo`` module, lower layers first, so core
        # needs no import of the apps above it.
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if not find_spec(module_name):
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"Seeding {config.label}…"))
            import_module(module_name).seed(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
