"""Grant the new record_any_evening permission by the rules in jimpitan/roles.py (Bendahara gets it)."""

from django.db import migrations

from jimpitan.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("nightly", "0002_record_any_evening"),
        ("jimpitan", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
