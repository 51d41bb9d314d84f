"""The accounts migration (ledger 0004/0005, spending 0004) keeps every figure: books written before it, a
closed month among them, come out on one "Kas tunai" account with the same cash book, and the closed-month
triggers are back (SQLite rebuilds the tables to add the column, which drops their triggers)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from ledger import selectors
from ledger.models import Account, Adjustment, MonthClosing
from nightly.models import Round
from spending.models import Expense, OtherIncome

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("ledger", "0003_opening_balance_trigger"),
    ("spending", "0003_roles"),
    ("nightly", "0007_merge_0004_phone_tap_0006_roster_roles"),
    # The committee handover (jimpitan 0007) depends on the ledger's later migrations: the profile goes back too.
    ("jimpitan", "0006_reminder_texts"),
]
JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _old_books(apps) -> None:
    """January: a round, income, an expense (closed); February: an adjustment for January and an expense.

    The books' own tables are written through the models as they were before the migration; the apps it
    leaves alone (still migrated to their latest) through today's."""
    user = User.objects.create(username="bendahara-lama")
    apps.get_model("jimpitan", "KampungProfile").objects.create(
        pk=1, name="Kampung", opening_balance=250_000, opening_balance_date=dt.date(2025, 12, 31)
    )
    # The RTs' table as it was then (the kampung key came after, and was undone with the profile).
    rt = apps.get_model("households", "RT").objects.create(number=1)
    # The rounds' table as it was then too (the handover migrations depend on these ones, so they are undone).
    apps.get_model("nightly", "Round").objects.create(
        rt_id=rt.pk, evening=dt.date(2026, 1, 5), total=41_500, is_total_only=True
    )
    apps.get_model("spending", "OtherIncome").objects.create(
        received_on=dt.date(2026, 1, 7), description="Donasi", amount=500_000
    )
    apps.get_model("spending", "Expense").objects.create(
        spent_on=dt.date(2026, 1, 9), description="Senter", amount=120_000
    )
    apps.get_model("ledger", "MonthClosing").objects.create(month=JAN, closing_balance=671_500, closed_by_id=user.pk)
    apps.get_model("ledger", "Adjustment").objects.create(
        entry_date=dt.date(2026, 2, 3), amount=-1_500, reason="Uang palsu", corrects_month=JAN
    )
    apps.get_model("spending", "Expense").objects.create(
        spent_on=dt.date(2026, 2, 10), description="Baterai", amount=20_000
    )


@pytest.fixture
def reopened_after():
    """The test's closed month is reopened (its closing deleted) before the tables are flushed after it."""
    yield
    MonthClosing.objects.all().delete()


def test_the_accounts_migration_keeps_every_figure_on_one_kas_tunai_account(reopened_after):
    _old_books(_migrate(BEFORE))
    _migrate(_latest())

    kas = Account.objects.get()
    assert (kas.name, kas.kind, kas.is_default, kas.opening_balance) == ("Kas tunai", "tunai", True, 0)
    assert {e.account_id for e in Expense.objects.all()} == {kas.pk}
    assert {i.account_id for i in OtherIncome.objects.all()} == {kas.pk}
    assert {a.account_id for a in Adjustment.objects.all()} == {kas.pk}
    jan, feb = selectors.cash_book(JAN, FEB)
    assert (jan.opening, jan.jimpitan, jan.other_income, jan.expenses, jan.closing) == (
        250_000,
        41_500,
        500_000,
        120_000,
        671_500,
    )
    assert (feb.adjustments, feb.expenses, feb.closing) == (-1_500, 20_000, 650_000)
    assert selectors.current_balance() == 650_000
    assert [(row.account, row.balance) for row in selectors.account_balances()] == [(kas, 650_000)]
    assert Round.objects.get().handover.account == kas  # and the handover migration received the round there

    # The closed-month triggers are there again, on the rebuilt tables too.
    expense = Expense.objects.get(spent_on=dt.date(2026, 1, 9))
    for sql in (
        f"UPDATE spending_expense SET amount = 1 WHERE id = {expense.pk}",
        "DELETE FROM spending_otherincome",
        "UPDATE nightly_round SET total = 1",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert Expense.objects.get(pk=expense.pk).amount == 120_000
