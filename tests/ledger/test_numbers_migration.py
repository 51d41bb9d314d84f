"""The numbers migration (ledger 0008-0009, spending 0005, nightly 0011) numbers the documents recorded before it:
per year, in date order across every kind, a closed month's rows included; and the database guards are on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from ledger.models import Adjustment, IssuedNumber, MonthClosing, Transfer
from nightly.models import Handover
from spending.models import Expense, OtherIncome

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("ledger", "0007_month_seals"), ("spending", "0004_accounts"), ("nightly", "0010_handover_triggers")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_books(apps) -> None:
    user = User.objects.create(username="bendahara-lama")
    Account = apps.get_model("ledger", "Account")
    kas = Account.objects.get(is_default=True)
    bank = Account.objects.create(name="BRI", kind="bank")
    apps.get_model("spending", "OtherIncome").objects.create(
        received_on=dt.date(2026, 1, 9), description="Donasi Jan", amount=90_000, account_id=kas.pk
    )
    apps.get_model("spending", "Expense").objects.create(
        spent_on=dt.date(2026, 1, 3), description="Senter", amount=20_000, account_id=kas.pk
    )
    apps.get_model("spending", "OtherIncome").objects.create(
        received_on=dt.date(2025, 12, 30), description="Donasi Des", amount=50_000, account_id=kas.pk
    )
    apps.get_model("ledger", "Transfer").objects.create(
        transfer_date=dt.date(2026, 2, 4), from_account_id=kas.pk, to_account_id=bank.pk, amount=10_000
    )
    apps.get_model("nightly", "Handover").objects.create(
        received_on=dt.date(2026, 2, 2),
        handed_by_name="Pak Slamet",
        account_id=kas.pk,
        expected=0,
        counted=0,
        difference=0,
    )
    apps.get_model("ledger", "MonthClosing").objects.create(
        month=dt.date(2026, 1, 1), closing_balance=120_000, closed_by_id=user.pk
    )
    apps.get_model("ledger", "Adjustment").objects.create(
        entry_date=dt.date(2026, 2, 3),
        amount=-1_000,
        reason="Salah hitung",
        corrects_month=dt.date(2026, 1, 1),
        account_id=kas.pk,
    )


@pytest.fixture
def reopened_after():
    yield
    MonthClosing.objects.all().delete()


def test_the_migration_numbers_old_documents_in_date_order_per_year(reopened_after):
    _old_books(_migrate(BEFORE))
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    numbered = sorted(
        (d.reference, type(d).__name__)
        for model in (Expense, OtherIncome, Transfer, Handover, Adjustment)
        for d in model.objects.all()
    )
    assert numbered == [
        ("2025-0001", "OtherIncome"),  # 30 December 2025
        ("2026-0001", "Expense"),  # 3 January, in the closed month
        ("2026-0002", "OtherIncome"),  # 9 January, closed too
        ("2026-0003", "Handover"),  # 2 February
        ("2026-0004", "Adjustment"),  # 3 February
        ("2026-0005", "Transfer"),  # 4 February
    ]
    assert IssuedNumber.objects.count() == 6
    # The closed month's guards came back after the backfill, and the number guards are on.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE spending_expense SET amount = 1")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_transfer SET number = 9")
    # New documents carry on each year's sequence.
    assert OtherIncome.objects.create(received_on=dt.date(2026, 2, 9), description="x", amount=1).reference == (
        "2026-0006"
    )
