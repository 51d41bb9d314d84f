"""Database triggers that keep a closed month read-only underneath the services and the admin.

A row in ledger_monthclosing freezes every dated money record of that month: inserting, changing
or deleting one aborts, and so does moving a record into or out of the month. The closing row itself
cannot be updated: the stored balance changes only by reopening (delete) and closing again.
"""

from django.db import migrations

# (table, date column) of every record that makes up the cash book.
GUARDED = [
    ("nightly_round", "evening"),
    ("nightly_contribution", "evening"),
    ("spending_expense", "spent_on"),
    ("spending_otherincome", "received_on"),
    ("ledger_adjustment", "entry_date"),
]
MESSAGE = "bulan sudah ditutup"


def _sqlite_create(table: str, column: str) -> list[str]:
    def exists(row: str) -> str:
        # Django stores a DateField as 'YYYY-MM-DD' text in SQLite, so the month is its 'start of month'.
        return (
            f"SELECT RAISE(ABORT, '{MESSAGE}') WHERE EXISTS (SELECT 1 FROM ledger_monthclosing "
            f"WHERE month = date({row}.{column}, 'start of month'));"
        )

    return [
        f"CREATE TRIGGER {table}_closed_insert BEFORE INSERT ON {table} BEGIN {exists('NEW')} END;",
        f"CREATE TRIGGER {table}_closed_update BEFORE UPDATE ON {table} BEGIN {exists('NEW')} {exists('OLD')} END;",
        f"CREATE TRIGGER {table}_closed_delete BEFORE DELETE ON {table} BEGIN {exists('OLD')} END;",
    ]


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ledger_refuse_closed_month() RETURNS trigger AS $$
DECLARE
    day date;
BEGIN
    -- TG_ARGV[0] names the row's date column; the row is read through jsonb to use it by name.
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        day := (to_jsonb(NEW) ->> TG_ARGV[0])::date;
        IF EXISTS (SELECT 1 FROM ledger_monthclosing WHERE month = date_trunc('month', day)::date) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23000';
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        day := (to_jsonb(OLD) ->> TG_ARGV[0])::date;
        IF EXISTS (SELECT 1 FROM ledger_monthclosing WHERE month = date_trunc('month', day)::date) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23000';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

POSTGRES_NO_UPDATE = """
CREATE OR REPLACE FUNCTION ledger_monthclosing_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'tutup buku tidak bisa diubah; buka kembali lalu tutup lagi' USING ERRCODE = '23000';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = []
    if vendor == "sqlite":
        for table, column in GUARDED:
            statements += _sqlite_create(table, column)
        statements.append(
            "CREATE TRIGGER ledger_monthclosing_no_update BEFORE UPDATE ON ledger_monthclosing BEGIN "
            "SELECT RAISE(ABORT, 'tutup buku tidak bisa diubah; buka kembali lalu tutup lagi'); END;"
        )
    elif vendor == "postgresql":
        statements += [POSTGRES_FUNCTION, POSTGRES_NO_UPDATE]
        for table, column in GUARDED:
            statements.append(
                f"CREATE TRIGGER {table}_closed_month BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION ledger_refuse_closed_month('{column}');"
            )
        statements.append(
            "CREATE TRIGGER ledger_monthclosing_no_update BEFORE UPDATE ON ledger_monthclosing "
            "FOR EACH ROW EXECUTE FUNCTION ledger_monthclosing_refuse_update();"
        )
    else:
        raise RuntimeError(f"No closed-month triggers for database vendor {vendor!r}")
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table, _column in GUARDED:
            for op in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_closed_{op};")
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_monthclosing_no_update;")
    elif vendor == "postgresql":
        for table, _column in GUARDED:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_closed_month ON {table};")
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_monthclosing_no_update ON ledger_monthclosing;")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_refuse_closed_month();")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_monthclosing_refuse_update();")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_initial"),
        ("nightly", "0003_roles"),
        ("spending", "0003_roles"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
