"""Matching the bank (cocokkan saldo): a check records the bank's balance next to the books'; a matched one is
an assertion that later writes must keep, check_ledger proves them all again, and a closed month freezes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from ledger import services as ledger_services
from ledger.models import Account, AccountKind, BalanceCheck, NumberKind, default_account_id
from ledger.services import close_month, delete_transfer, record_balance_check, record_transfer
from spending import services as spending
from spending.models import Expense, OtherIncome
from tests.ledger.factories import numbered
from tests.spending.factories import income

pytestmark = pytest.mark.django_db

MAY_1, MAY_5, MAY_10, MAY_31 = (dt.date(2026, 5, d) for d in (1, 5, 10, 31))


@pytest.fixture
def bank(bendahara):
    bank = Account.objects.create(name="BRI Simpedes", kind=AccountKind.BANK)
    income(MAY_1, 1_000_000)
    kas = Account.objects.get(pk=default_account_id())
    record_transfer(transfer_date=MAY_5, from_account=kas, to_account=bank, amount=600_000, user=bendahara)
    return bank


def test_a_check_keeps_the_bank_figure_the_books_figure_and_the_difference(bendahara, bank):
    matched = record_balance_check(account=bank, check_date=MAY_10, stated_balance=600_000, user=bendahara)
    assert (matched.app_balance, matched.difference, matched.is_matched) == (600_000, 0, True)
    short = record_balance_check(account=bank, check_date=MAY_31, stated_balance=593_500, user=bendahara)
    assert (short.app_balance, short.difference, short.is_matched) == (600_000, -6_500, False)


def test_a_change_that_breaks_a_matched_check_is_refused(bendahara, bank):
    record_balance_check(account=bank, check_date=MAY_10, stated_balance=600_000, user=bendahara)
    charge = Expense(spent_on=MAY_5, description="Biaya admin", amount=6_500, account=bank)
    with pytest.raises(ValidationError) as caught:
        spending.save_expense(charge, user=bendahara)
    assert caught.value.code == "breaks_balance_check" and "BRI Simpedes" in caught.value.messages[0]
    assert not Expense.objects.exists()
    # After the check's date, or on another account, the same charge is fine.
    spending.save_expense(
        Expense(spent_on=dt.date(2026, 5, 11), description="Biaya admin", amount=6_500, account=bank), user=bendahara
    )
    spending.save_expense(Expense(spent_on=MAY_5, description="Gas", amount=6_500), user=bendahara)
    transfer = bank.transfers_in.get()
    with pytest.raises(ValidationError):
        delete_transfer(transfer=transfer, user=bendahara)
    interest = OtherIncome(received_on=MAY_5, description="Bunga", amount=100, account=bank)
    with pytest.raises(ValidationError):  # more money than the bank showed breaks it too
        spending.save_other_income(interest, user=bendahara)


def test_check_ledger_proves_every_matched_check_again(bendahara, bank):
    record_balance_check(account=bank, check_date=MAY_10, stated_balance=600_000, user=bendahara)
    record_balance_check(account=bank, check_date=MAY_31, stated_balance=1, user=bendahara)  # a difference, kept
    call_command("check_ledger")
    with transaction.atomic(), connection.cursor() as cursor:  # a write that skipped the services
        cursor.execute(
            "INSERT INTO spending_expense (spent_on, description, payee, amount, receipt, receipt_content_type, "
            "receipt_thumbnail, recorded_at, account_id, number_year, number) "
            "VALUES (%s, 'SQL', '', 500, '', '', '', %s, %s, %s, %s)",
            [MAY_1, dt.datetime(2026, 5, 1, 9), bank.pk, *numbered(NumberKind.EXPENSE, MAY_1)],
        )
    with pytest.raises(CommandError):
        call_command("check_ledger")


def test_a_closed_month_freezes_its_checks(bendahara, kampung):
    bank = Account.objects.create(name="BRI", kind=AccountKind.BANK)
    income(dt.date(2026, 1, 2), 10_000)
    record_balance_check(account=bank, check_date=dt.date(2026, 1, 31), stated_balance=0, user=bendahara)
    close_month(dt.date(2026, 1, 1), bendahara, today=MAY_1)
    check = BalanceCheck.objects.get()
    for sql in (
        f"UPDATE ledger_balancecheck SET stated_balance = 5 WHERE id = {check.pk}",
        f"DELETE FROM ledger_balancecheck WHERE id = {check.pk}",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    with pytest.raises(ValidationError):
        record_balance_check(account=bank, check_date=dt.date(2026, 1, 20), stated_balance=0, user=bendahara)
    assert BalanceCheck.objects.get().stated_balance == 0


def test_admin_records_a_check_and_shows_the_difference(client_as, bank):
    client = client_as("bendahara")
    response = client.post(
        "/admin/ledger/balancecheck/add/",
        {"account": bank.pk, "check_date": "2026-05-31", "stated_balance": "598.000", "note": "Buku tabungan"},
        follow=True,
    )
    assert response.status_code == 200
    check = BalanceCheck.objects.get()
    assert (check.app_balance, check.difference, check.recorded_by.username) == (600_000, -2_000, "bendahara")
    page = response.content.decode()
    assert "-Rp 2.000" in page


def test_deleting_a_check_takes_the_ledger_lock_and_only_in_an_open_month(client_as, bendahara, bank, monkeypatch):
    record_balance_check(account=bank, check_date=dt.date(2026, 5, 31), stated_balance=0, user=bendahara)
    locked = []
    monkeypatch.setattr(ledger_services, "lock_ledger", lambda: locked.append(True))
    check = BalanceCheck.objects.get()
    response = client_as("bendahara").post(f"/admin/ledger/balancecheck/{check.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and locked == [True]
    assert not BalanceCheck.objects.exists()
    check = record_balance_check(account=bank, check_date=dt.date(2026, 5, 31), stated_balance=0, user=bendahara)
    BalanceCheck.objects.filter(pk=check.pk).update(check_date=dt.date(2026, 1, 31))
    close_month(dt.date(2026, 1, 1), bendahara, today=MAY_1)
    with pytest.raises(ValidationError):
        ledger_services.delete_balance_check(check=BalanceCheck.objects.get(), user=bendahara)
    assert BalanceCheck.objects.count() == 1
