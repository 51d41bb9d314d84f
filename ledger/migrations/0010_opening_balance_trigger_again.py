"""The opening-balance trigger of migration 0003, installed again after the profile's new fields.

On SQLite, adding a field with a default (jimpitan 0006's WhatsApp texts, 0008's arrears switch) rebuilds the
profile's table, and a rebuilt table loses its triggers. Dropping and creating it again leaves one trigger on both
databases, however the migrations were ordered.
"""

import importlib

from django.db import migrations

OPENING = importlib.import_module("ledger.migrations.0003_opening_balance_trigger")


def recreate_trigger(apps, schema_editor):
    OPENING.drop_trigger(apps, schema_editor)
    OPENING.create_trigger(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0009_number_triggers"),
        ("jimpitan", "0008_arrears_switch"),
    ]

    operations = [migrations.RunPython(recreate_trigger, migrations.RunPython.noop)]
