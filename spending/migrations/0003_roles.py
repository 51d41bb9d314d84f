"""Grant the new approve_expense permission to the roles (Bendahara and Pokja, by rule)."""

from django.db import migrations

from jimpitan.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("spending", "0002_receipt_thumbnail_and_approval"),
        ("jimpitan", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
