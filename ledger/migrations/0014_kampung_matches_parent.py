"""A tenant row and every tenant row it points at belong to the same kampung.

Each key from one tenant table to another (a contribution's round and household, a round's RT and handover, an
expense's project and account, ...) is found by introspecting the models, and guarded twice: the child's
insert, or an update of its kampung or key, must find each parent in its own kampung; and a parent's kampung
cannot change under rows that point at it. The kampung profile counts as a tenant row (its key is one-to-one).
The history tables (django-simple-history) are left out: they only
copy what the guarded tables held.
"""

from django.db import migrations

CHILD = "kampung tidak sama dengan induknya"
PARENT = "kampung tidak sama dengan baris yang merujuknya"


def tenant_keys(apps) -> list[tuple[str, str, str]]:
    """(child table, key column, parent table) for every key between two tenant tables, in a stable order."""
    tables = {
        model._meta.db_table
        for model in apps.get_models()
        if "historical" not in model._meta.db_table
        and any(field.name == "kampung" and field.is_relation for field in model._meta.fields)
    }
    keys = set()
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        for field in model._meta.fields:
            if field.many_to_one and field.related_model._meta.db_table in tables:
                keys.add((model._meta.db_table, field.column, field.related_model._meta.db_table))
    return sorted(keys)


def _grouped(keys, index: int) -> dict[str, list[tuple[str, str, str]]]:
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for key in keys:
        groups.setdefault(key[index], []).append(key)
    return groups


def _child_mismatch(keys) -> str:
    return " OR ".join(
        f"EXISTS (SELECT 1 FROM {parent} p WHERE p.id = NEW.{column} AND p.kampung_id <> NEW.kampung_id)"
        for _child, column, parent in keys
    )


def _parent_mismatch(keys) -> str:
    return " OR ".join(
        f"EXISTS (SELECT 1 FROM {child} c WHERE c.{column} = NEW.id AND c.kampung_id <> NEW.kampung_id)"
        for child, column, _parent in keys
    )


def sqlite_statements(keys) -> list[str]:
    statements = []
    for child, own in _grouped(keys, 0).items():
        columns = ", ".join(["kampung_id", *(column for _c, column, _p in own)])
        body = f"BEGIN SELECT RAISE(ABORT, '{CHILD}') WHERE {_child_mismatch(own)}; END;"
        statements.append(f"CREATE TRIGGER {child}_kampung_parent_insert BEFORE INSERT ON {child} {body}")
        statements.append(f"CREATE TRIGGER {child}_kampung_parent_update BEFORE UPDATE OF {columns} ON {child} {body}")
    for parent, referring in _grouped(keys, 2).items():
        statements.append(
            f"CREATE TRIGGER {parent}_kampung_children BEFORE UPDATE OF kampung_id ON {parent} "
            f"WHEN NEW.kampung_id IS NOT OLD.kampung_id "
            f"BEGIN SELECT RAISE(ABORT, '{PARENT}') WHERE {_parent_mismatch(referring)}; END;"
        )
    return statements


def _postgres_function(name: str, condition: str, message: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN IF {condition} THEN "
        f"RAISE EXCEPTION '{message}' USING ERRCODE = '23000'; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql;"
    )


def postgres_statements(keys) -> list[str]:
    statements = []
    for child, own in _grouped(keys, 0).items():
        columns = ", ".join(["kampung_id", *(column for _c, column, _p in own)])
        statements.append(_postgres_function(f"{child}_kampung_parent", _child_mismatch(own), CHILD))
        statements.append(
            f"CREATE TRIGGER {child}_kampung_parent BEFORE INSERT OR UPDATE OF {columns} ON {child} "
            f"FOR EACH ROW EXECUTE FUNCTION {child}_kampung_parent();"
        )
    for parent, referring in _grouped(keys, 2).items():
        statements.append(_postgres_function(f"{parent}_kampung_children", _parent_mismatch(referring), PARENT))
        statements.append(
            f"CREATE TRIGGER {parent}_kampung_children BEFORE UPDATE OF kampung_id ON {parent} FOR EACH ROW "
            f"WHEN (NEW.kampung_id IS DISTINCT FROM OLD.kampung_id) EXECUTE FUNCTION {parent}_kampung_children();"
        )
    return statements


def create_triggers(apps, schema_editor):
    keys = tenant_keys(apps)
    sqlite = schema_editor.connection.vendor == "sqlite"
    for statement in sqlite_statements(keys) if sqlite else postgres_statements(keys):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    keys = tenant_keys(apps)
    sqlite = schema_editor.connection.vendor == "sqlite"
    for child in _grouped(keys, 0):
        if sqlite:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {child}_kampung_parent_insert;")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {child}_kampung_parent_update;")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {child}_kampung_parent ON {child};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {child}_kampung_parent();")
    for parent in _grouped(keys, 2):
        if sqlite:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {parent}_kampung_children;")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {parent}_kampung_children ON {parent};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {parent}_kampung_children();")


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0005_kampung"),
        ("ledger", "0013_closed_month_per_kampung"),
        ("nightly", "0014_kampung"),
        ("spending", "0006_kampung"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
