"""Transaction numbers run per kampung and year: the guards of migration 0009 (and of the catch-ups' table, nightly
0013) read the kampung too. The year's next number is the kampung's highest plus one, and a document's number
must have been issued in its own kampung."""

import importlib

from django.db import migrations

NUMBERS = importlib.import_module("ledger.migrations.0009_number_triggers")
DOCUMENTS = [*NUMBERS.TABLES, "nightly_catchup"]
KIND = {table: kind for _app, _model, table, _field, kind in NUMBERS.DOCUMENTS} | {"nightly_catchup": "rapel"}
SAME_KAMPUNG = "kampung_id = NEW.kampung_id"

SQLITE_NEXT = (
    "CREATE TRIGGER ledger_issuednumber_next BEFORE INSERT ON ledger_issuednumber "
    "WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger_issuednumber "
    f"WHERE {SAME_KAMPUNG} AND year = NEW.year) "
    f"BEGIN SELECT RAISE(ABORT, '{NUMBERS.NEXT}'); END;"
)


def _sqlite_document(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_number_insert BEFORE INSERT ON {table} WHEN NOT EXISTS (SELECT 1 FROM "
        f"ledger_issuednumber WHERE {SAME_KAMPUNG} AND year = NEW.number_year AND seq = NEW.number "
        f"AND kind = '{KIND[table]}') BEGIN SELECT RAISE(ABORT, '{NUMBERS.NOT_ISSUED}'); END;"
    )


def _per_kampung(sql: str) -> str:
    return sql.replace("WHERE year = NEW.year", f"WHERE {SAME_KAMPUNG} AND year = NEW.year").replace(
        "WHERE year = NEW.number_year", f"WHERE {SAME_KAMPUNG} AND year = NEW.number_year"
    )


def per_kampung(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_issuednumber_next;")
        schema_editor.execute(SQLITE_NEXT)
        for table in DOCUMENTS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_number_insert;")
            schema_editor.execute(_sqlite_document(table))
    else:
        for function in NUMBERS.POSTGRES_FUNCTIONS:
            schema_editor.execute(_per_kampung(function))


def per_year(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_issuednumber_next;")
        schema_editor.execute(NUMBERS.sqlite_statements()[0])
        for table in DOCUMENTS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_number_insert;")
            schema_editor.execute(NUMBERS.sqlite_document_statements(table, KIND[table])[0])
    else:
        for function in NUMBERS.POSTGRES_FUNCTIONS:
            schema_editor.execute(function)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0011_kampung"),
        ("nightly", "0014_kampung"),
        ("spending", "0006_kampung"),
    ]

    operations = [migrations.RunPython(per_kampung, per_year)]
