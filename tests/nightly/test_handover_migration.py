"""The handover migration (nightly 0008-0010) keeps every figure: rounds recorded before handovers existed, a
closed month among them, come out handed over into Kas tunai on their evenings, so Kas tunai's balance on every
date, the cash book and nothing held by the patrol are what they were; and the triggers are in place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from ledger import selectors
from ledger.models import Account, MonthClosing
from nightly.models import Handover, Round

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("nightly", "0007_merge_0004_phone_tap_0006_roster_roles"),
    ("ledger", "0006_balance_check"),
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
    """January (closed): three rounds on two evenings and an expense; February: one round."""
    user = User.objects.create(username="bendahara-lama")
    apps.get_model("jimpitan", "KampungProfile").objects.create(
        pk=1, name="Kampung", opening_balance=250_000, opening_balance_date=dt.date(2025, 12, 31)
    )
    OldRound = apps.get_model("nightly", "Round")
    # The RTs' table as it was then (the kampung key came after, and was undone with the profile).
    rts = [apps.get_model("households", "RT").objects.create(number=n) for n in (1, 2)]
    for rt, evening, total in (
        (rts[0], dt.date(2026, 1, 5), 41_500),
        (rts[1], dt.date(2026, 1, 5), 10_000),
        (rts[0], dt.date(2026, 1, 20), 30_000),
        (rts[0], dt.date(2026, 2, 2), 5_000),
    ):
        OldRound.objects.create(rt_id=rt.pk, evening=evening, total=total, is_total_only=True)
    kas = apps.get_model("ledger", "Account").objects.get(is_default=True)
    apps.get_model("spending", "Expense").objects.create(
        spent_on=dt.date(2026, 1, 9), description="Senter", amount=20_000, account_id=kas.pk
    )
    apps.get_model("ledger", "MonthClosing").objects.create(month=JAN, closing_balance=311_500, closed_by_id=user.pk)


@pytest.fixture
def reopened_after():
    yield
    MonthClosing.objects.all().delete()


def test_the_handover_migration_keeps_every_figure(reopened_after):
    _old_books(_migrate(BEFORE))
    _migrate(_latest())

    kas = Account.objects.get(is_default=True)
    handovers = list(Handover.objects.order_by("received_on"))
    assert [(h.received_on, h.expected, h.counted, h.difference, h.account_id) for h in handovers] == [
        (dt.date(2026, 1, 5), 51_500, 51_500, 0, kas.pk),
        (dt.date(2026, 1, 20), 30_000, 30_000, 0, kas.pk),
        (dt.date(2026, 2, 2), 5_000, 5_000, 0, kas.pk),
    ]
    assert all(h.explanation and h.handed_by_name for h in handovers)
    assert not Round.objects.filter(handover__isnull=True).exists()
    jan, feb = selectors.cash_book(JAN, FEB)
    assert (jan.opening, jan.jimpitan, jan.expenses, jan.adjustments, jan.closing) == (
        250_000,
        81_500,
        20_000,
        0,
        311_500,
    )
    assert (feb.jimpitan, feb.closing) == (5_000, 316_500)
    for day, balance in ((dt.date(2026, 1, 4), 250_000), (dt.date(2026, 1, 5), 301_500), (FEB, 311_500)):
        assert [(row.account, row.balance) for row in selectors.account_balances(day)] == [(kas, balance)]
        assert selectors.held_outside_accounts(day) == 0
    assert selectors.current_balance() == 316_500 == selectors.account_balances()[0].balance

    # The triggers are there: handed-over rounds and closed months are read-only underneath.
    for sql in (
        "UPDATE nightly_round SET total = 1",
        "DELETE FROM nightly_round",
        f"DELETE FROM nightly_handover WHERE id = {handovers[0].pk}",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert sorted(Round.objects.values_list("total", flat=True)) == [5_000, 10_000, 30_000, 41_500]
    # February is open: its handover can be removed, and its round is then editable again.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE nightly_round SET handover_id = NULL WHERE handover_id = {handovers[2].pk}")
        cursor.execute(f"DELETE FROM nightly_handover WHERE id = {handovers[2].pk}")
        cursor.execute("UPDATE nightly_round SET notes = 'diperiksa' WHERE evening = '2026-02-02'")
    assert selectors.held_outside_accounts() == 5_000
