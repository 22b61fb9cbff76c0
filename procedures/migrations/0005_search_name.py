"""The name's folded words, which search ranks by, filled in for the procedures already
stored."""

from django.db import migrations, models

from procedures.search import fold_words

BATCH_SIZE = 500


def fill_search_names(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    procedures = list(Procedure.objects.only("pk", "name"))
    for procedure in procedures:
        procedure.search_name = fold_words(procedure.name)
    Procedure.objects.bulk_update(procedures, ["search_name"], batch_size=BATCH_SIZE)


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0004_document_kinds_and_stated_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="search_name",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=False),
    ]
