"""The kampung profile's opening balance is money on its date: a closed month freezes it like any record.

Refused underneath the form and the service: a change of the opening balance or its date when the month it
counted in, or would count in, is closed. A zero balance counts in no month.
"""

from django.db import migrations

MESSAGE = "bulan sudah ditutup"

SQLITE = f"""
CREATE TRIGGER jimpitan_kampungprofile_opening_closed BEFORE UPDATE ON jimpitan_kampungprofile
WHEN NEW.opening_balance IS NOT OLD.opening_balance OR NEW.opening_balance_date IS NOT OLD.opening_balance_date
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}') WHERE EXISTS (
        SELECT 1 FROM ledger_monthclosing WHERE month IN (
            CASE WHEN OLD.opening_balance > 0 THEN date(OLD.opening_balance_date, 'start of month') END,
            CASE WHEN NEW.opening_balance > 0 THEN date(NEW.opening_balance_date, 'start of month') END
        )
    );
END;
"""

POSTGRES = f"""
CREATE OR REPLACE FUNCTION ledger_refuse_closed_opening_balance() RETURNS trigger AS $$
BEGIN
    IF (NEW.opening_balance, NEW.opening_balance_date) IS DISTINCT FROM (OLD.opening_balance, OLD.opening_balance_date)
       AND EXISTS (
           SELECT 1 FROM ledger_monthclosing WHERE month IN (
               CASE WHEN OLD.opening_balance > 0 THEN date_trunc('month', OLD.opening_balance_date)::date END,
               CASE WHEN NEW.opening_balance > 0 THEN date_trunc('month', NEW.opening_balance_date)::date END
           )
       ) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER jimpitan_kampungprofile_opening_closed BEFORE UPDATE ON jimpitan_kampungprofile
FOR EACH ROW EXECUTE FUNCTION ledger_refuse_closed_opening_balance();
"""


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    else:
        raise RuntimeError(f"No closed-month trigger for database vendor {vendor!r}")


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS jimpitan_kampungprofile_opening_closed;")
    else:
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS jimpitan_kampungprofile_opening_closed ON jimpitan_kampungprofile;"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_refuse_closed_opening_balance();")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_closed_month_triggers"),
        ("jimpitan", "0002_roles"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
