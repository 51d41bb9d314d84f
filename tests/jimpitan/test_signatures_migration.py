"""The signatures migration (jimpitan 0005) keeps the names the reports printed: the Ketua Pokja and the
Bendahara become the first two signing columns, and going back restores the two names."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("jimpitan", "0004_roster_only_on_duty")]
AFTER = [("jimpitan", "0005_signatures_and_letterhead")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_two_names_become_the_first_two_columns_and_come_back():
    old = _migrate(BEFORE)
    old.get_model("jimpitan", "KampungProfile").objects.create(
        pk=1, name="Kampung", chair_name="H. Sutrisno", treasurer_name="Ratna Suryani"
    )
    new = _migrate(AFTER)
    columns = new.get_model("jimpitan", "SignatureColumn").objects  # the table as it was then: no kampung yet
    assert list(columns.order_by("position").values_list("position", "role", "name")) == [
        (1, "Ketua Pokja", "H. Sutrisno"),
        (2, "Bendahara", "Ratna Suryani"),
    ]
    old = _migrate(BEFORE)
    profile = old.get_model("jimpitan", "KampungProfile").objects.get()
    assert (profile.chair_name, profile.treasurer_name) == ("H. Sutrisno", "Ratna Suryani")
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
