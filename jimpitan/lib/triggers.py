"""Migrations that rebuild tables without losing their triggers.

SQLite cannot alter a column in place: Django rebuilds the table (create, copy, drop, rename), and the dropped
table takes its triggers with it. `KeepTriggers` wraps a migration's operations: on SQLite it reads every
trigger before them, lifts them all while they run (they name each other's tables), and creates them again with
their very text. PostgreSQL alters tables in
place and keeps its triggers, so there it only runs the operations.
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation

from jimpitan.tenancy import FIRST_KAMPUNG_ID


def sqlite_triggers(schema_editor) -> dict[str, str]:
    """name -> CREATE TRIGGER text of every trigger in the SQLite database."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return dict(cursor.fetchall())


class KeepTriggers(Operation):
    """Run `operations` as one; on SQLite, with every trigger lifted meanwhile and put back after. Keep data
    writes out of it: the triggers do not guard them."""

    reduces_to_sql = False

    def __init__(self, operations: list[Operation]) -> None:
        self.operations = operations
        super().__init__()

    def deconstruct(self):
        return self.__class__.__qualname__, [], {"operations": self.operations}

    def state_forwards(self, app_label, state) -> None:
        for operation in self.operations:
            operation.state_forwards(app_label, state)

    def _forwards(self, app_label, schema_editor, from_state) -> None:
        for operation in self.operations:
            to_state = from_state.clone()
            operation.state_forwards(app_label, to_state)
            operation.database_forwards(app_label, schema_editor, from_state, to_state)
            from_state = to_state

    def _backwards(self, app_label, schema_editor, to_state) -> None:
        # As SeparateDatabaseAndState does: the state before each operation, then undo them last first.
        states_before = []
        for operation in self.operations:
            states_before.append(to_state)
            to_state = to_state.clone()
            operation.state_forwards(app_label, to_state)
        from_state = to_state
        for operation, before in zip(reversed(self.operations), reversed(states_before), strict=True):
            operation.database_backwards(app_label, schema_editor, from_state, before)
            from_state = before

    def _keeping_triggers(self, schema_editor, run) -> None:
        if schema_editor.connection.vendor != "sqlite":
            run()
            return
        # All of them are lifted first: renaming a rebuilt table checks every trigger naming it, and one on
        # another table fails while the rebuilt table is away.
        before = sqlite_triggers(schema_editor)
        for name in before:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        run()
        for sql in before.values():
            schema_editor.execute(sql)

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._keeping_triggers(schema_editor, lambda: self._forwards(app_label, schema_editor, from_state))

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._keeping_triggers(schema_editor, lambda: self._backwards(app_label, schema_editor, to_state))

    def describe(self) -> str:
        return f"{len(self.operations)} operations, keeping the triggers"


def first_kampung_for_history(*historical: str):
    """A RunPython function giving the history rows written before kampungs (their new column is NULL) the
    install's first kampung, as the live rows got it from the column's default."""

    def fill(apps, schema_editor) -> None:
        for label in historical:
            apps.get_model(label).objects.filter(kampung__isnull=True).update(kampung_id=FIRST_KAMPUNG_ID)

    return fill
