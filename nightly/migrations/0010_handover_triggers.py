"""Database triggers for handovers (issue 16 section 2), beneath the services and the admin.

- A handover is a dated money record: the closed-month trigger of ledger migration 0002 guards it by
  `received_on`.
- A round that is handed over is read-only: changing its figures, deleting it, or changing its contributions is
  refused until its handover is removed. Linking a round to a handover (or unlinking it) changes only its
  `handover_id`; that is refused when either handover's month is closed, or when the handover was received
  before the round's evening.
- The rounds' closed-month update trigger is put back, allowing exactly that link change (a round of a closed
  month may be handed over in an open one: no figure of the closed month moves).

SQLite compares the round's columns one by one (a new column of nightly_round must join ROUND_COLUMNS);
PostgreSQL compares the whole row but its handover_id.
"""

import importlib

from django.db import migrations

from jimpitan.roles import sync_role_permissions

TRIGGERS = importlib.import_module("ledger.migrations.0002_closed_month_triggers")
CLOSED = TRIGGERS.MESSAGE
HANDED = "ronde sudah diserahkan"
EARLY = "setoran sebelum malam rondenya"

ROUND_COLUMNS = (
    "rt_id",
    "evening",
    "collectors",
    "counted_cash",
    "notes",
    "is_total_only",
    "total",
    "households_listed",
    "households_paid",
    "recorded_by_id",
    "recorded_at",
    "updated_at",
    "version",
)
SAME_ROUND = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in ROUND_COLUMNS)


def _closed(month_sql: str) -> str:
    return f"SELECT RAISE(ABORT, '{CLOSED}') WHERE EXISTS (SELECT 1 FROM ledger_monthclosing WHERE month = {month_sql});"


def _handover_closed(ids: str) -> str:
    return (
        f"SELECT RAISE(ABORT, '{CLOSED}') WHERE EXISTS (SELECT 1 FROM nightly_handover h JOIN ledger_monthclosing m "
        f"ON m.month = date(h.received_on, 'start of month') WHERE h.id IN ({ids}));"
    )


EARLY_SQLITE = (
    f"SELECT RAISE(ABORT, '{EARLY}') WHERE EXISTS (SELECT 1 FROM nightly_handover h "
    "WHERE h.id = NEW.handover_id AND h.received_on < NEW.evening);"
)


def _round_is_handed_over(row_sql: str) -> str:
    return (
        f"SELECT RAISE(ABORT, '{HANDED}') WHERE EXISTS (SELECT 1 FROM nightly_round "
        f"WHERE id = {row_sql} AND handover_id IS NOT NULL);"
    )


SQLITE = [
    *TRIGGERS._sqlite_create("nightly_handover", "received_on"),
    f"""CREATE TRIGGER nightly_round_closed_update BEFORE UPDATE ON nightly_round WHEN NOT ({SAME_ROUND}) BEGIN
    {_closed("date(NEW.evening, 'start of month')")} {_closed("date(OLD.evening, 'start of month')")}
END;""",
    f"""CREATE TRIGGER nightly_round_handed_over_update BEFORE UPDATE ON nightly_round
WHEN OLD.handover_id IS NOT NULL AND NOT ({SAME_ROUND}) BEGIN SELECT RAISE(ABORT, '{HANDED}'); END;""",
    f"""CREATE TRIGGER nightly_round_handed_over_delete BEFORE DELETE ON nightly_round
WHEN OLD.handover_id IS NOT NULL BEGIN SELECT RAISE(ABORT, '{HANDED}'); END;""",
    f"""CREATE TRIGGER nightly_round_handover_link_update BEFORE UPDATE ON nightly_round
WHEN NEW.handover_id IS NOT OLD.handover_id BEGIN
    {_handover_closed("OLD.handover_id, NEW.handover_id")} {EARLY_SQLITE}
END;""",
    f"""CREATE TRIGGER nightly_round_handover_link_insert BEFORE INSERT ON nightly_round
WHEN NEW.handover_id IS NOT NULL BEGIN {_handover_closed("NEW.handover_id")} {EARLY_SQLITE} END;""",
    f"""CREATE TRIGGER nightly_contribution_handed_over_insert BEFORE INSERT ON nightly_contribution BEGIN
    {_round_is_handed_over("NEW.round_id")}
END;""",
    f"""CREATE TRIGGER nightly_contribution_handed_over_update BEFORE UPDATE ON nightly_contribution BEGIN
    {_round_is_handed_over("NEW.round_id")} {_round_is_handed_over("OLD.round_id")}
END;""",
    f"""CREATE TRIGGER nightly_contribution_handed_over_delete BEFORE DELETE ON nightly_contribution BEGIN
    {_round_is_handed_over("OLD.round_id")}
END;""",
]
SQLITE_NAMES = [
    "nightly_handover_closed_insert",
    "nightly_handover_closed_update",
    "nightly_handover_closed_delete",
    "nightly_round_closed_update",
    "nightly_round_handed_over_update",
    "nightly_round_handed_over_delete",
    "nightly_round_handover_link_update",
    "nightly_round_handover_link_insert",
    "nightly_contribution_handed_over_insert",
    "nightly_contribution_handed_over_update",
    "nightly_contribution_handed_over_delete",
]

POSTGRES_ROUND = f"""
CREATE OR REPLACE FUNCTION nightly_round_guard() RETURNS trigger AS $$
DECLARE
    link_changed boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.handover_id IS NOT NULL THEN
            RAISE EXCEPTION '{HANDED}' USING ERRCODE = '23000';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF (to_jsonb(NEW) - 'handover_id') IS DISTINCT FROM (to_jsonb(OLD) - 'handover_id') THEN
            IF OLD.handover_id IS NOT NULL THEN
                RAISE EXCEPTION '{HANDED}' USING ERRCODE = '23000';
            END IF;
            IF EXISTS (SELECT 1 FROM ledger_monthclosing WHERE month IN (
                date_trunc('month', OLD.evening)::date, date_trunc('month', NEW.evening)::date)) THEN
                RAISE EXCEPTION '{CLOSED}' USING ERRCODE = '23000';
            END IF;
        END IF;
        link_changed := NEW.handover_id IS DISTINCT FROM OLD.handover_id;
    ELSE
        link_changed := NEW.handover_id IS NOT NULL;
    END IF;
    IF link_changed THEN
        IF EXISTS (SELECT 1 FROM nightly_handover h JOIN ledger_monthclosing m
                   ON m.month = date_trunc('month', h.received_on)::date
                   WHERE h.id = NEW.handover_id OR (TG_OP = 'UPDATE' AND h.id = OLD.handover_id)) THEN
            RAISE EXCEPTION '{CLOSED}' USING ERRCODE = '23000';
        END IF;
        IF EXISTS (SELECT 1 FROM nightly_handover h WHERE h.id = NEW.handover_id AND h.received_on < NEW.evening) THEN
            RAISE EXCEPTION '{EARLY}' USING ERRCODE = '23000';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION nightly_contribution_guard() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM nightly_round r WHERE r.handover_id IS NOT NULL AND (
        (TG_OP IN ('INSERT', 'UPDATE') AND r.id = NEW.round_id) OR (TG_OP IN ('UPDATE', 'DELETE') AND r.id = OLD.round_id))) THEN
        RAISE EXCEPTION '{HANDED}' USING ERRCODE = '23000';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
POSTGRES = [
    POSTGRES_ROUND,
    "CREATE TRIGGER nightly_handover_closed_month BEFORE INSERT OR UPDATE OR DELETE ON nightly_handover "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_closed_month('received_on');",
    # The generic trigger on inserts and deletes; updates go through the guard, which allows a link change.
    "CREATE TRIGGER nightly_round_closed_month BEFORE INSERT OR DELETE ON nightly_round "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_closed_month('evening');",
    "CREATE TRIGGER nightly_round_guard BEFORE INSERT OR UPDATE OR DELETE ON nightly_round "
    "FOR EACH ROW EXECUTE FUNCTION nightly_round_guard();",
    "CREATE TRIGGER nightly_contribution_guard BEFORE INSERT OR UPDATE OR DELETE ON nightly_contribution "
    "FOR EACH ROW EXECUTE FUNCTION nightly_contribution_guard();",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS nightly_handover_closed_month ON nightly_handover;",
    "DROP TRIGGER IF EXISTS nightly_round_closed_month ON nightly_round;",
    "DROP TRIGGER IF EXISTS nightly_round_guard ON nightly_round;",
    "DROP TRIGGER IF EXISTS nightly_contribution_guard ON nightly_contribution;",
    "DROP FUNCTION IF EXISTS nightly_round_guard();",
    "DROP FUNCTION IF EXISTS nightly_contribution_guard();",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"No handover triggers for database vendor {vendor!r}")
    for statement in SQLITE if vendor == "sqlite" else POSTGRES:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_NAMES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
    else:
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("nightly", "0009_handover_existing_rounds")]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
    ]
