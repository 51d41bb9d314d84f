"""Database triggers for catch-up payments (rapel) and paying ahead, beneath the services and the admin.

- A catch-up is a dated money record: the closed-month trigger of ledger migration 0002 guards it by `paid_on`;
  its evenings cannot be added or removed either while the month it was paid in is closed. The evenings
  themselves may lie in closed months: they move no figure of theirs.
- A catch-up evening names the catch-up's own household (the copy that makes "one payment per household per
  evening" a unique constraint), and a catch-up with evenings keeps its household.
- A catch-up carries a transaction number issued to its kind (rapel), which never changes (ledger 0009).
- An evening is paid once: an evening with a paid contribution (Ada or Titip) cannot be caught up, and a paid
  contribution cannot be recorded on an evening already caught up or paid ahead.
"""

import importlib

from django.db import migrations

from jimpitan.roles import sync_role_permissions

TRIGGERS = importlib.import_module("ledger.migrations.0002_closed_month_triggers")
NUMBERS = importlib.import_module("ledger.migrations.0009_number_triggers")
CLOSED = TRIGGERS.MESSAGE
OTHER_HOUSEHOLD = "rumah malam rapel tidak sama dengan rapelnya"
ALREADY_PAID = "malam itu sudah dibayar"
# Written out rather than read from ContributionState: a migration keeps the rule it was written with.
PAID_STATES = "('dibayar', 'titip')"


def _catch_up_closed(catch_up_id: str) -> str:
    return (
        f"SELECT RAISE(ABORT, '{CLOSED}') WHERE EXISTS (SELECT 1 FROM nightly_catchup c JOIN ledger_monthclosing m "
        f"ON m.month = date(c.paid_on, 'start of month') WHERE c.id = {catch_up_id});"
    )


SQLITE_EVENING_CHECKS = f"""
    SELECT RAISE(ABORT, '{OTHER_HOUSEHOLD}') WHERE NOT EXISTS (
        SELECT 1 FROM nightly_catchup c WHERE c.id = NEW.catch_up_id AND c.household_id = NEW.household_id);
    SELECT RAISE(ABORT, '{ALREADY_PAID}') WHERE EXISTS (
        SELECT 1 FROM nightly_contribution k WHERE k.household_id = NEW.household_id AND k.evening = NEW.evening
        AND k.state IN {PAID_STATES});
    {_catch_up_closed("NEW.catch_up_id")}"""

SQLITE_COVERED = f"""
    SELECT RAISE(ABORT, '{ALREADY_PAID}') WHERE EXISTS (
        SELECT 1 FROM nightly_catchupevening e WHERE e.household_id = NEW.household_id AND e.evening = NEW.evening);"""

SQLITE = [
    *TRIGGERS._sqlite_create("nightly_catchup", "paid_on"),
    f"CREATE TRIGGER nightly_catchupevening_insert BEFORE INSERT ON nightly_catchupevening BEGIN"
    f"{SQLITE_EVENING_CHECKS} END;",
    f"CREATE TRIGGER nightly_catchupevening_update BEFORE UPDATE ON nightly_catchupevening BEGIN"
    f"{SQLITE_EVENING_CHECKS} {_catch_up_closed('OLD.catch_up_id')} END;",
    f"CREATE TRIGGER nightly_catchupevening_delete BEFORE DELETE ON nightly_catchupevening BEGIN "
    f"{_catch_up_closed('OLD.catch_up_id')} END;",
    f"""CREATE TRIGGER nightly_catchup_household_update BEFORE UPDATE ON nightly_catchup
WHEN NEW.household_id IS NOT OLD.household_id BEGIN
    SELECT RAISE(ABORT, '{OTHER_HOUSEHOLD}') WHERE EXISTS (
        SELECT 1 FROM nightly_catchupevening e WHERE e.catch_up_id = NEW.id);
END;""",
    f"CREATE TRIGGER nightly_contribution_covered_insert BEFORE INSERT ON nightly_contribution "
    f"WHEN NEW.state IN {PAID_STATES} BEGIN{SQLITE_COVERED} END;",
    f"CREATE TRIGGER nightly_contribution_covered_update BEFORE UPDATE ON nightly_contribution "
    f"WHEN NEW.state IN {PAID_STATES} BEGIN{SQLITE_COVERED} END;",
]
SQLITE_NAMES = [
    "nightly_catchup_closed_insert",
    "nightly_catchup_closed_update",
    "nightly_catchup_closed_delete",
    "nightly_catchupevening_insert",
    "nightly_catchupevening_update",
    "nightly_catchupevening_delete",
    "nightly_catchup_household_update",
    "nightly_contribution_covered_insert",
    "nightly_contribution_covered_update",
]

POSTGRES_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION nightly_catchup_closed(catch_up bigint) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM nightly_catchup c JOIN ledger_monthclosing m
                   ON m.month = date_trunc('month', c.paid_on)::date WHERE c.id = catch_up);
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION nightly_catchupevening_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND nightly_catchup_closed(OLD.catch_up_id) THEN
        RAISE EXCEPTION '{CLOSED}' USING ERRCODE = '23000';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM nightly_catchup c WHERE c.id = NEW.catch_up_id AND c.household_id = NEW.household_id) THEN
        RAISE EXCEPTION '{OTHER_HOUSEHOLD}' USING ERRCODE = '23000';
    END IF;
    IF EXISTS (SELECT 1 FROM nightly_contribution k WHERE k.household_id = NEW.household_id
               AND k.evening = NEW.evening AND k.state IN {PAID_STATES}) THEN
        RAISE EXCEPTION '{ALREADY_PAID}' USING ERRCODE = '23000';
    END IF;
    IF nightly_catchup_closed(NEW.catch_up_id) THEN
        RAISE EXCEPTION '{CLOSED}' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION nightly_catchup_household_guard() RETURNS trigger AS $$
BEGIN
    IF NEW.household_id IS DISTINCT FROM OLD.household_id
       AND EXISTS (SELECT 1 FROM nightly_catchupevening e WHERE e.catch_up_id = NEW.id) THEN
        RAISE EXCEPTION '{OTHER_HOUSEHOLD}' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION nightly_contribution_covered_guard() RETURNS trigger AS $$
BEGIN
    IF NEW.state IN {PAID_STATES} AND EXISTS (SELECT 1 FROM nightly_catchupevening e
        WHERE e.household_id = NEW.household_id AND e.evening = NEW.evening) THEN
        RAISE EXCEPTION '{ALREADY_PAID}' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
POSTGRES = [
    POSTGRES_FUNCTIONS,
    "CREATE TRIGGER nightly_catchup_closed_month BEFORE INSERT OR UPDATE OR DELETE ON nightly_catchup "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_closed_month('paid_on');",
    "CREATE TRIGGER nightly_catchup_household_guard BEFORE UPDATE ON nightly_catchup "
    "FOR EACH ROW EXECUTE FUNCTION nightly_catchup_household_guard();",
    "CREATE TRIGGER nightly_catchupevening_guard BEFORE INSERT OR UPDATE OR DELETE ON nightly_catchupevening "
    "FOR EACH ROW EXECUTE FUNCTION nightly_catchupevening_guard();",
    "CREATE TRIGGER nightly_contribution_covered_guard BEFORE INSERT OR UPDATE ON nightly_contribution "
    "FOR EACH ROW EXECUTE FUNCTION nightly_contribution_covered_guard();",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS nightly_catchup_closed_month ON nightly_catchup;",
    "DROP TRIGGER IF EXISTS nightly_catchup_household_guard ON nightly_catchup;",
    "DROP TRIGGER IF EXISTS nightly_catchupevening_guard ON nightly_catchupevening;",
    "DROP TRIGGER IF EXISTS nightly_contribution_covered_guard ON nightly_contribution;",
    "DROP FUNCTION IF EXISTS nightly_catchupevening_guard();",
    "DROP FUNCTION IF EXISTS nightly_catchup_household_guard();",
    "DROP FUNCTION IF EXISTS nightly_contribution_covered_guard();",
    "DROP FUNCTION IF EXISTS nightly_catchup_closed(bigint);",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"No catch-up triggers for database vendor {vendor!r}")
    numbers = (
        NUMBERS.sqlite_document_statements("nightly_catchup", "rapel")
        if vendor == "sqlite"
        else [NUMBERS.postgres_document_statement("nightly_catchup", "rapel")]
    )
    for statement in (SQLITE if vendor == "sqlite" else POSTGRES) + numbers:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in [*SQLITE_NAMES, "nightly_catchup_number_insert", "nightly_catchup_number_update"]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS nightly_catchup_number ON nightly_catchup;")
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("nightly", "0012_catch_ups")]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
    ]
