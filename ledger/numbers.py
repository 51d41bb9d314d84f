"""Removing every issued transaction number: only for starting a kampung's books over (the demo seeder's wipe, the
test suite's flush). The database refuses to remove an issued number (ledger migration 0009), so its guard
stands aside for exactly this statement and is back before the transaction ends."""

from __future__ import annotations

import importlib

from django.db import connection, transaction

TRIGGERS = importlib.import_module("ledger.migrations.0009_number_triggers")
SQLITE_NO_DELETE = next(sql for sql in TRIGGERS.sqlite_statements() if "ledger_issuednumber_no_delete" in sql)


def remove_all_numbers() -> None:
    """Empty ledger_issuednumber. The caller removes (or is about to remove) the numbered documents too."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL refuses to ALTER a table with deferred checks pending (its kampung key's, for numbers
            # issued earlier in this transaction): run them now.
            connection.check_constraints()
            cursor.execute("ALTER TABLE ledger_issuednumber DISABLE TRIGGER ledger_issuednumber_guard")
            cursor.execute("DELETE FROM ledger_issuednumber")
            cursor.execute("ALTER TABLE ledger_issuednumber ENABLE TRIGGER ledger_issuednumber_guard")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS ledger_issuednumber_no_delete")
            cursor.execute("DELETE FROM ledger_issuednumber")
            cursor.execute(SQLITE_NO_DELETE)
