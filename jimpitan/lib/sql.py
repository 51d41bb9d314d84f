"""Plain SQL for the few writers that skip the ORM on purpose (bulk seeding, the nightly sheet's rows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Field, Model
from django.dispatch import Signal

# Sent (with `sender`: the model) by code that writes or deletes a model's rows without saving or deleting
# an instance: raw SQL, `bulk_create`. No post_save or post_delete fires then, so whoever shows those rows
# (the public pages' cache) listens here instead; level 0 cannot name the apps that care.
rows_changed_in_bulk = Signal()


def insert_sql(model: type[Model], fields: Sequence[str]) -> str:
    """One parameterised INSERT of `fields` (names or attnames) into the model's table, for `executemany`."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field):  # a reverse relation or a generic foreign key: no column of its own
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.column


def delete_all_rows(models: Iterable[type[Model]]) -> None:
    """Empty each model's table, in the order given, with plain DELETEs: the ORM would load every row first
    (and log history for it). The caller orders children before parents."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
            rows_changed_in_bulk.send(sender=model)
