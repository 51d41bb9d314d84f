"""Migration operations that change a field's schema without SQLite's whole-table rebuild."""

from __future__ import annotations

from django.db import migrations


class DropFieldIndex(migrations.AlterField):
    """AlterField to a field that differs only in losing its own index (db_index=False). Drops that index by the
    name the database knows it by, on either engine: AlterField would rebuild the whole table on SQLite (a
    copy of every row, and the triggers lifted) for what is one DROP INDEX. Backwards, the index comes back."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        column = model._meta.get_field(self.name).column
        for name in schema_editor._constraint_names(model, [column], index=True, unique=False, primary_key=False):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[model._meta.get_field(self.name)]))

    def describe(self) -> str:
        return f"Drop the own index of {self.name} on {self.model_name}"
