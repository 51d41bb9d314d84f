"""The closed-month triggers again (migration 0004 dropped them to put every record on an account), now also
over transfers and the accounts' opening balances; and the roles' permissions for the new models.

A transfer is a dated money record like an expense: the generic trigger of migration 0002 covers it. An
account's opening balance counts on its date, like the kampung profile's (migration 0003): inserting,
changing or deleting a non-zero opening balance in a closed month is refused; renaming the account or
retiring it is not.
"""

import importlib

from django.db import migrations

from jimpitan.roles import sync_role_permissions

TRIGGERS = importlib.import_module("ledger.migrations.0002_closed_month_triggers")
MESSAGE = TRIGGERS.MESSAGE
NEW_GUARDED = [("ledger_transfer", "transfer_date")]


def _sqlite_month(row: str) -> str:
    return f"CASE WHEN {row}.opening_balance > 0 THEN date({row}.opening_date, 'start of month') END"


SQLITE_ACCOUNT = [
    f"""CREATE TRIGGER ledger_account_opening_closed_insert BEFORE INSERT ON ledger_account BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}') WHERE EXISTS (SELECT 1 FROM ledger_monthclosing WHERE month = {_sqlite_month("NEW")});
END;""",
    f"""CREATE TRIGGER ledger_account_opening_closed_update BEFORE UPDATE ON ledger_account
WHEN NEW.opening_balance IS NOT OLD.opening_balance OR NEW.opening_date IS NOT OLD.opening_date BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}') WHERE EXISTS (
        SELECT 1 FROM ledger_monthclosing WHERE month IN ({_sqlite_month("OLD")}, {_sqlite_month("NEW")})
    );
END;""",
    f"""CREATE TRIGGER ledger_account_opening_closed_delete BEFORE DELETE ON ledger_account BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}') WHERE EXISTS (SELECT 1 FROM ledger_monthclosing WHERE month = {_sqlite_month("OLD")});
END;""",
]

POSTGRES_ACCOUNT = f"""
CREATE OR REPLACE FUNCTION ledger_refuse_closed_account_opening() RETURNS trigger AS $$
DECLARE
    old_month date;
    new_month date;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.opening_balance > 0 THEN
        old_month := date_trunc('month', OLD.opening_date)::date;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.opening_balance > 0 THEN
        new_month := date_trunc('month', NEW.opening_date)::date;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.opening_balance, NEW.opening_date) IS NOT DISTINCT FROM
                            (OLD.opening_balance, OLD.opening_date) THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_monthclosing WHERE month IN (old_month, new_month)) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23000';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_account_opening_closed BEFORE INSERT OR UPDATE OR DELETE ON ledger_account
FOR EACH ROW EXECUTE FUNCTION ledger_refuse_closed_account_opening();
"""


def create_triggers(apps, schema_editor):
    TRIGGERS.create_triggers(apps, schema_editor)
    vendor = schema_editor.connection.vendor
    for table, column in NEW_GUARDED:
        if vendor == "sqlite":
            for statement in TRIGGERS._sqlite_create(table, column):
                schema_editor.execute(statement)
        else:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_closed_month BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION ledger_refuse_closed_month('{column}');"
            )
    for statement in SQLITE_ACCOUNT if vendor == "sqlite" else [POSTGRES_ACCOUNT]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, _column in NEW_GUARDED:
        if vendor == "sqlite":
            for op in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_closed_{op};")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_closed_month ON {table};")
    if vendor == "sqlite":
        for op in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS ledger_account_opening_closed_{op};")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_account_opening_closed ON ledger_account;")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_refuse_closed_account_opening();")
    TRIGGERS.drop_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_accounts"),
        ("spending", "0004_accounts"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
    ]
