"""Grant the roster and swap permissions by the rules in jimpitan/roles.py (the Bendahara edits, the Pokja reads)."""

from django.db import migrations

from jimpitan.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("nightly", "0005_roster_swap"),
        ("jimpitan", "0004_roster_only_on_duty"),
    ]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
