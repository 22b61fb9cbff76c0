from django.core.management.base import BaseCommand

from demo import catalogue, certificates, dossiers, reform_index, town

# Lower layers first: the catalogue links the town's units, the dossiers need both, and
# the index computes its automatic criteria from the dossiers.
STEPS = (
    ("core", town.seed),
    ("signing keys", certificates.seed),
    ("procedures", catalogue.seed),
    ("dossiers", dossiers.seed),
    ("reform_index", reform_index.seed),
)


class Command(BaseCommand):
    help = (
        "Load the demo data (units, users, catalogue, dossiers, index). "
        "Idempotent: safe to run again."
    )

    def handle(self, *args, **options):
        for label, seed in STEPS:
            self.stdout.write(self.style.MIGRATE_HEADING(f"Seeding {label}…"))
            seed(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
