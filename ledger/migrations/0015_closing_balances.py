"""Each account's balance kept at every closed month (ledger.MonthClosingBalance), so that the balance now sums only
what moved after the latest closed month. Triggers keep the kept rows honest beneath the services:

- a kept row is refused unless its month is closed (close_month writes them in the closing's transaction);
- it is never changed, and not removed while its month is closed;
- removing a closing (reopening) removes its kept rows with it.

Months closed before this migration have none: the balances are summed from the first record until the next
closing keeps them (the result is the same, only slower).
"""

import importlib

import django.db.models.deletion
import jimpitan.tenancy
from django.db import migrations, models

# The kept row points at its account: the kampung-matches-parent triggers are made again over every tenant key,
# the new one included (the account's own trigger lists the tables that refer to it).
matches_parent = importlib.import_module("ledger.migrations.0014_kampung_matches_parent")

ONLY_CLOSED = "saldo tutup buku hanya untuk bulan yang ditutup"
KEPT = "saldo tutup buku tidak bisa diubah atau dihapus selama bulannya ditutup"
CLOSED = "SELECT 1 FROM ledger_monthclosing c WHERE c.kampung_id = {row}.kampung_id AND c.month = {row}.month"

SQLITE = [
    "CREATE TRIGGER ledger_monthclosingbalance_insert BEFORE INSERT ON ledger_monthclosingbalance "
    f"WHEN NOT EXISTS ({CLOSED.format(row='NEW')}) BEGIN SELECT RAISE(ABORT, '{ONLY_CLOSED}'); END;",
    "CREATE TRIGGER ledger_monthclosingbalance_update BEFORE UPDATE ON ledger_monthclosingbalance "
    f"BEGIN SELECT RAISE(ABORT, '{KEPT}'); END;",
    "CREATE TRIGGER ledger_monthclosingbalance_delete BEFORE DELETE ON ledger_monthclosingbalance "
    f"WHEN EXISTS ({CLOSED.format(row='OLD')}) BEGIN SELECT RAISE(ABORT, '{KEPT}'); END;",
    "CREATE TRIGGER ledger_monthclosing_drop_balances AFTER DELETE ON ledger_monthclosing BEGIN "
    "DELETE FROM ledger_monthclosingbalance WHERE kampung_id = OLD.kampung_id AND month = OLD.month; END;",
]
SQLITE_NAMES = [
    "ledger_monthclosingbalance_insert",
    "ledger_monthclosingbalance_update",
    "ledger_monthclosingbalance_delete",
    "ledger_monthclosing_drop_balances",
]

POSTGRES = [
    f"""
CREATE OR REPLACE FUNCTION ledger_monthclosingbalance_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS ({CLOSED.format(row="NEW")}) THEN
            RAISE EXCEPTION '{ONLY_CLOSED}' USING ERRCODE = '23000';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' OR EXISTS ({CLOSED.format(row="OLD")}) THEN
        RAISE EXCEPTION '{KEPT}' USING ERRCODE = '23000';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
""",
    "CREATE TRIGGER ledger_monthclosingbalance_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_monthclosingbalance "
    "FOR EACH ROW EXECUTE FUNCTION ledger_monthclosingbalance_guard();",
    """
CREATE OR REPLACE FUNCTION ledger_monthclosing_drop_balances() RETURNS trigger AS $$
BEGIN
    DELETE FROM ledger_monthclosingbalance WHERE kampung_id = OLD.kampung_id AND month = OLD.month;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
""",
    "CREATE TRIGGER ledger_monthclosing_drop_balances AFTER DELETE ON ledger_monthclosing "
    "FOR EACH ROW EXECUTE FUNCTION ledger_monthclosing_drop_balances();",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"No kept-balance triggers for database vendor {vendor!r}")
    for statement in SQLITE if vendor == "sqlite" else POSTGRES:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_NAMES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_monthclosing_drop_balances ON ledger_monthclosing;")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_monthclosing_drop_balances();")
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_monthclosingbalance_guard ON ledger_monthclosingbalance;")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_monthclosingbalance_guard();")


class Migration(migrations.Migration):
    dependencies = [
        ("jimpitan", "0009_kampung"),
        ("ledger", "0014_kampung_matches_parent"),
    ]

    operations = [
        migrations.RunPython(matches_parent.drop_triggers, matches_parent.create_triggers),
        migrations.CreateModel(
            name="MonthClosingBalance",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="bulan")),
                ("next_month", models.DateField(verbose_name="bulan berikutnya")),
                ("balance", models.BigIntegerField(verbose_name="saldo akhir")),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.account",
                        verbose_name="akun",
                    ),
                ),
                (
                    "kampung",
                    models.ForeignKey(
                        db_default=1,
                        default=jimpitan.tenancy.active_kampung_id,
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="jimpitan.kampung",
                        verbose_name="kampung",
                    ),
                ),
            ],
            options={
                "verbose_name": "Saldo akun saat tutup buku",
                "verbose_name_plural": "Saldo akun saat tutup buku",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kampung", "account", "month"), name="monthclosingbalance_one_per_account_month"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("month__day", 1)), name="monthclosingbalance_month_is_first_day"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("next_month__day", 1), ("next_month__gt", models.F("month"))),
                        name="monthclosingbalance_next_month_after",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(matches_parent.create_triggers, matches_parent.drop_triggers),
    ]
