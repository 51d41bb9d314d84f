"""Issue 16 §5: closing a month covers the accounts, transfers and bank matches. Beneath the ORM, in raw SQL on
SQLite and PostgreSQL alike, the closed-month triggers refuse inserting, changing and deleting an account's
opening balance, a transfer and a bank check dated in a closed month, and moving one into or out of it; the
closing itself refuses to freeze an account below zero or a bank match the records no longer prove."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from ledger.models import Account, AccountKind, BalanceCheck, MonthClosing, NumberKind, Transfer, default_account_id
from ledger.services import close_month, record_balance_check, record_transfer
from spending.models import OtherIncome
from tests.ledger.factories import numbered

pytestmark = pytest.mark.django_db

JAN_5, JAN_20, JAN_31 = dt.date(2026, 1, 5), dt.date(2026, 1, 20), dt.date(2026, 1, 31)
MAR_3 = dt.date(2026, 3, 3)
TODAY = dt.date(2026, 4, 10)
RECORDED = dt.datetime(2026, 1, 5, 9)


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def closed(bendahara, kampung):
    """January closed with a bank account (opening balance in January), a transfer and a matched check in it."""
    kas = Account.objects.get(pk=default_account_id())
    bank = Account.objects.create(
        name="BRI", kind=AccountKind.BANK, opening_balance=25_000, opening_date=dt.date(2026, 1, 2)
    )
    OtherIncome.objects.create(received_on=dt.date(2026, 1, 3), description="Donasi", amount=100_000)
    transfer = record_transfer(transfer_date=JAN_5, from_account=kas, to_account=bank, amount=40_000, user=bendahara)
    check = record_balance_check(account=bank, check_date=JAN_31, stated_balance=65_000, user=bendahara)
    assert check.is_matched
    close_month(dt.date(2026, 1, 1), bendahara, today=TODAY)
    return {"kas": kas, "bank": bank, "transfer": transfer, "check": check}


def _refused(closed) -> dict[str, list[tuple[str, list]]]:
    kas, bank, transfer, check = (closed[k].pk for k in ("kas", "bank", "transfer", "check"))
    return {
        "account opening": [
            (
                "INSERT INTO ledger_account (name, kind, number, opening_balance, opening_date, is_active, is_default) "
                "VALUES ('Kotak', 'brankas', '', 5, %s, %s, %s)",
                [JAN_20, True, False],
            ),
            ("UPDATE ledger_account SET opening_balance = 1 WHERE id = %s", [bank]),
            ("UPDATE ledger_account SET opening_date = %s WHERE id = %s", [MAR_3, bank]),
            ("DELETE FROM ledger_account WHERE id = %s", [bank]),
        ],
        "transfer": [
            (
                "INSERT INTO ledger_transfer (transfer_date, from_account_id, to_account_id, amount, note, "
                "recorded_at, number_year, number) VALUES (%s, %s, %s, 1000, '', %s, %s, %s)",
                [JAN_20, kas, bank, RECORDED, *numbered(NumberKind.TRANSFER, JAN_20)],
            ),
            ("UPDATE ledger_transfer SET amount = 1 WHERE id = %s", [transfer]),
            (
                "UPDATE ledger_transfer SET from_account_id = %s, to_account_id = %s WHERE id = %s",
                [bank, kas, transfer],
            ),
            ("UPDATE ledger_transfer SET transfer_date = %s WHERE id = %s", [MAR_3, transfer]),  # out of January
            ("DELETE FROM ledger_transfer WHERE id = %s", [transfer]),
        ],
        "bank check": [
            (
                "INSERT INTO ledger_balancecheck (account_id, check_date, stated_balance, app_balance, note, "
                "recorded_at) VALUES (%s, %s, 1, 1, '', %s)",
                [bank, JAN_20, RECORDED],
            ),
            ("UPDATE ledger_balancecheck SET stated_balance = 5 WHERE id = %s", [check]),
            ("UPDATE ledger_balancecheck SET app_balance = 5 WHERE id = %s", [check]),
            ("UPDATE ledger_balancecheck SET account_id = %s WHERE id = %s", [kas, check]),
            ("UPDATE ledger_balancecheck SET check_date = %s WHERE id = %s", [MAR_3, check]),
            ("DELETE FROM ledger_balancecheck WHERE id = %s", [check]),
        ],
    }


@pytest.mark.parametrize("table", ["account opening", "transfer", "bank check"])
def test_raw_sql_cannot_write_a_closed_months_accounts_transfers_or_checks(closed, table):
    before = (
        list(Account.objects.values_list("pk", "opening_balance", "opening_date")),
        list(Transfer.objects.values_list("pk", "transfer_date", "from_account", "to_account", "amount")),
        list(BalanceCheck.objects.values_list("pk", "account", "check_date", "stated_balance", "app_balance")),
    )
    for sql, params in _refused(closed)[table]:
        with pytest.raises(DatabaseError):
            _raw(sql, params)
    after = (
        list(Account.objects.values_list("pk", "opening_balance", "opening_date")),
        list(Transfer.objects.values_list("pk", "transfer_date", "from_account", "to_account", "amount")),
        list(BalanceCheck.objects.values_list("pk", "account", "check_date", "stated_balance", "app_balance")),
    )
    assert after == before


def test_raw_sql_cannot_move_a_record_into_a_closed_month_but_writes_open_months(closed):
    kas, bank = closed["kas"].pk, closed["bank"].pk
    _raw(
        "INSERT INTO ledger_transfer (transfer_date, from_account_id, to_account_id, amount, note, recorded_at, "
        "number_year, number) VALUES (%s, %s, %s, 1000, '', %s, %s, %s)",
        [MAR_3, kas, bank, RECORDED, *numbered(NumberKind.TRANSFER, MAR_3)],
    )
    _raw(
        "INSERT INTO ledger_balancecheck (account_id, check_date, stated_balance, app_balance, note, recorded_at) "
        "VALUES (%s, %s, 1, 2, '', %s)",
        [bank, MAR_3, RECORDED],
    )
    box = Account.objects.create(name="Kotak", kind=AccountKind.BOX, opening_balance=7, opening_date=MAR_3)
    march_transfer = Transfer.objects.get(transfer_date=MAR_3)
    march_check = BalanceCheck.objects.get(check_date=MAR_3)
    for sql, params in (
        ("UPDATE ledger_transfer SET transfer_date = %s WHERE id = %s", [JAN_20, march_transfer.pk]),
        ("UPDATE ledger_balancecheck SET check_date = %s WHERE id = %s", [JAN_20, march_check.pk]),
        ("UPDATE ledger_account SET opening_date = %s WHERE id = %s", [JAN_20, box.pk]),
    ):
        with pytest.raises(DatabaseError):
            _raw(sql, params)
    # In an open month the same writes go through; naming or retiring an account is no money.
    _raw("UPDATE ledger_transfer SET amount = 2000 WHERE id = %s", [march_transfer.pk])
    _raw("UPDATE ledger_balancecheck SET stated_balance = 3 WHERE id = %s", [march_check.pk])
    _raw("UPDATE ledger_account SET opening_balance = 9 WHERE id = %s", [box.pk])
    _raw("UPDATE ledger_account SET name = 'BRI Simpedes', is_active = %s WHERE id = %s", [False, bank])
    _raw("DELETE FROM ledger_balancecheck WHERE id = %s", [march_check.pk])
    assert Transfer.objects.get(pk=march_transfer.pk).amount == 2000
    assert Account.objects.get(pk=box.pk).opening_balance == 9


def test_closing_refuses_to_freeze_a_broken_bank_match(bendahara, kampung):
    bank = Account.objects.create(name="BRI", kind=AccountKind.BANK)
    kas = Account.objects.get(pk=default_account_id())
    OtherIncome.objects.create(received_on=dt.date(2026, 1, 3), description="Donasi", amount=100_000)
    record_transfer(transfer_date=JAN_5, from_account=kas, to_account=bank, amount=40_000, user=bendahara)
    record_balance_check(account=bank, check_date=JAN_31, stated_balance=40_000, user=bendahara)
    # A bank charge written around the services breaks the January match.
    _raw(
        "INSERT INTO spending_expense (spent_on, description, payee, amount, receipt, receipt_content_type, "
        "receipt_thumbnail, recorded_at, account_id, number_year, number) "
        "VALUES (%s, 'Biaya admin', '', 500, '', '', '', %s, %s, %s, %s)",
        [JAN_20, RECORDED, bank.pk, *numbered(NumberKind.EXPENSE, JAN_20)],
    )
    with pytest.raises(ValidationError) as refused:
        close_month(dt.date(2026, 1, 1), bendahara, today=TODAY)
    assert refused.value.code == "broken_balance_check" and "BRI" in refused.value.messages[0]
    assert not MonthClosing.objects.exists()


def test_closing_refuses_to_freeze_an_account_below_zero(bendahara, kampung):
    bank = Account.objects.create(name="BRI", kind=AccountKind.BANK)
    OtherIncome.objects.create(received_on=dt.date(2026, 1, 3), description="Donasi", amount=100_000)
    # Spending from an empty bank account, written around the services: the cash book's total is still positive.
    _raw(
        "INSERT INTO spending_expense (spent_on, description, payee, amount, receipt, receipt_content_type, "
        "receipt_thumbnail, recorded_at, account_id, number_year, number) "
        "VALUES (%s, 'Biaya admin', '', 500, '', '', '', %s, %s, %s, %s)",
        [JAN_20, RECORDED, bank.pk, *numbered(NumberKind.EXPENSE, JAN_20)],
    )
    with pytest.raises(ValidationError) as refused:
        close_month(dt.date(2026, 1, 1), bendahara, today=TODAY)
    assert refused.value.code == "negative_account_balance" and "BRI" in refused.value.messages[0]
    assert not MonthClosing.objects.exists()
