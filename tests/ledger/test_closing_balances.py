"""The accounts' balances kept at each closed month: written by close_month, gone on reopening, guarded by triggers,
proved by check_ledger, and the balance now (accounts_now) the same as a sum from the first record."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jimpitan.lib.months import next_month
from jimpitan.models import KampungProfile
from ledger import selectors
from ledger.management.commands.check_ledger import kept_balance_problems
from ledger.models import Account, MonthClosing, MonthClosingBalance, default_account_id
from ledger.services import close_month, reopen_month
from spending.models import OtherIncome
from tests.ledger.factories import save_round
from tests.ledger.test_cashbook_invariants import FIRST_DAY, _write_with_accounts, account_openings, account_records
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
TODAY = dt.date(2026, 4, 10)
MIGRATION = importlib.import_module("ledger.migrations.0015_closing_balances")


@pytest.fixture
def books(bendahara):
    rt, households = make_rt(households=4)
    save_round(rt, households, dt.date(2026, 1, 5), bendahara, amount=1000)
    save_round(rt, households, dt.date(2026, 2, 7), bendahara, amount=500)
    bank = Account.objects.create(name="Bank RW", kind="bank")
    OtherIncome.objects.create(received_on=dt.date(2026, 1, 9), description="Donasi", amount=25_000, account=bank)
    return bank


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _now() -> dict[int, int]:
    return {row.account.pk: row.balance for row in selectors.accounts_now(KampungProfile.load())}


def test_closing_keeps_each_accounts_balance_and_reopening_removes_them(books, bendahara, superuser):
    bank = books
    close_month(JAN, bendahara, today=TODAY)
    kept = {row.account_id: row.balance for row in MonthClosingBalance.objects.filter(month=JAN)}
    # The rounds are held by the patrol until handed over: on no account yet.
    assert kept == {default_account_id(): 0, bank.pk: 25_000}
    assert set(MonthClosingBalance.objects.values_list("next_month", flat=True)) == {FEB}
    OtherIncome.objects.create(received_on=dt.date(2026, 2, 9), description="Iuran", amount=3_000, account=bank)
    assert _now()[bank.pk] == 28_000
    reopen_month(JAN, superuser, "salah hitung")
    assert not MonthClosingBalance.objects.exists()
    assert _now()[bank.pk] == 28_000


def test_triggers_keep_the_kept_balances_while_the_month_is_closed(books, bendahara):
    bank = books
    close_month(JAN, bendahara, today=TODAY)
    row = MonthClosingBalance.objects.get(account=bank)
    with pytest.raises(DatabaseError):
        _raw("UPDATE ledger_monthclosingbalance SET balance = balance + 1 WHERE id = %s", [row.pk])
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM ledger_monthclosingbalance WHERE id = %s", [row.pk])
    with pytest.raises(DatabaseError):  # February is open: nothing may be kept for it
        _raw(
            "INSERT INTO ledger_monthclosingbalance (kampung_id, month, next_month, account_id, balance) "
            "VALUES (1, %s, %s, %s, 0)",
            [FEB, dt.date(2026, 3, 1), bank.pk],
        )
    assert MonthClosingBalance.objects.get(pk=row.pk).balance == 25_000
    # Removing the closing beneath the ORM takes its kept balances with it.
    _raw("DELETE FROM ledger_monthclosing WHERE month = %s", [JAN])
    assert not MonthClosingBalance.objects.exists()


def _tamper(pk: int) -> None:
    """Change a kept balance past its trigger, as a restore or a hand-edited database could."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER ledger_monthclosingbalance_update")
        cursor.execute("UPDATE ledger_monthclosingbalance SET balance = balance + 700 WHERE id = %s", [pk])
        if connection.vendor == "sqlite":
            cursor.execute(MIGRATION.SQLITE[1])


def test_check_ledger_names_a_tampered_kept_balance(books, bendahara, capsys):
    bank = books
    close_month(JAN, bendahara, today=TODAY)
    call_command("check_ledger")
    _tamper(MonthClosingBalance.objects.get(account=bank).pk)
    with pytest.raises(CommandError):
        call_command("check_ledger")
    err = capsys.readouterr().err
    assert "2026-01" in err and "Bank RW" in err and "25.700" in err


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=account_records, openings=account_openings, closed=st.integers(0, 40))
def test_accounts_now_from_kept_balances_equals_the_sum_of_every_record(kampung, history, openings, closed):
    """Any history over three accounts, its first `closed` months closed (their balances kept as close_month
    keeps them): each account's balance now is the sum of all its records."""
    with transaction.atomic():
        oracle = _write_with_accounts(history, openings)
        closer = get_user_model().objects.create(username="penutup-buku")
        month = FIRST_DAY
        for _ in range(closed):
            MonthClosing.objects.create(month=month, closing_balance=0, closed_by=closer)
            MonthClosingBalance.objects.bulk_create(
                MonthClosingBalance(month=month, next_month=next_month(month), account_id=pk, balance=balance)
                for pk, balance in selectors.balances_to_keep(month).items()
            )
            month = next_month(month)
        assert _now() == {pk: sum(days.values()) for pk, days in oracle.items()}
        assert kept_balance_problems() == []
        transaction.set_rollback(True)
