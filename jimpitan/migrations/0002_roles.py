"""Create the Bendahara, Petugas and Pokja groups with their permissions.

Later migrations that add models call `sync_role_permissions` again, so the rules in
jimpitan/roles.py stay the one source of who may do what.
"""

from django.db import migrations

from jimpitan.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("jimpitan", "0001_initial"),
        ("households", "0001_initial"),
        ("nightly", "0001_initial"),
        ("spending", "0001_initial"),
        ("ledger", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
