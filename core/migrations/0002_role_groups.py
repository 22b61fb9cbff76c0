from django.db import migrations

ROLES = ["citizen", "desk_officer", "specialist", "unit_leader", "leader", "index_officer"]


def create_groups(apps, schema_editor):
    # Permissions are attached after every app has migrated (core.roles, post_migrate).
    group_model = apps.get_model("auth", "Group")
    for name in ROLES:
        group_model.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
