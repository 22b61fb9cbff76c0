"""A trigram index on the folded search text, so that ``search_text LIKE '%word%'`` (what
``Procedure.objects.search`` runs) is an index scan on PostgreSQL. Other databases (SQLite
for ``make run``) skip it: they search a small catalogue by scanning."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "procedure_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON procedures_procedure "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0002_alter_requireddocument_case"),
    ]

    operations = [
        # CreateExtension itself does nothing on a database other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
