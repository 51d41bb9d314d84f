"""Accounts (issue 16): every movement names its account, balances per account, the negative-balance rule
per account, transfers that are neither income nor spending, and the database rules beneath the ORM."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from ledger import selectors
from ledger.models import Account, AccountKind, Adjustment, NumberKind, Transfer, default_account_id
from ledger.services import close_month, delete_transfer, record_transfer
from spending import services as spending
from spending.models import Expense, OtherIncome
from tests.ledger.factories import numbered
from tests.spending.factories import income

pytestmark = pytest.mark.django_db

MAY_1, MAY_5, MAY_10, MAY_20 = (dt.date(2026, 5, d) for d in (1, 5, 10, 20))


@pytest.fixture
def bank(kampung):
    return Account.objects.create(name="BRI Simpedes", kind=AccountKind.BANK, number="1234-01-000123-50-9")


def _balances(day=None) -> dict[str, int]:
    return {row.account.name: row.balance for row in selectors.account_balances(day)}


def _expense(day, amount, account, user):
    return spending.save_expense(
        Expense(spent_on=day, description="Semen", payee="Toko", amount=amount, account=account), user=user
    )


def test_the_default_account_is_kas_tunai_and_new_records_land_on_it(kampung):
    kas = Account.objects.get(pk=default_account_id())
    assert kas.name == "Kas tunai" and kas.kind == AccountKind.CASH and kas.is_default
    assert income(MAY_1, 1_000).account_id == kas.pk


def test_balances_per_account_add_up_to_the_cash_book(bendahara, bank):
    income(MAY_1, 500_000)
    spending.save_other_income(
        OtherIncome(received_on=MAY_5, description="Bunga", amount=1_200, account=bank), user=bendahara
    )
    Account.objects.filter(pk=bank.pk).update(opening_balance=2_000_000, opening_date=MAY_1)
    assert _balances() == {"Kas tunai": 500_000, "BRI Simpedes": 2_001_200}
    assert _balances(MAY_1) == {"Kas tunai": 500_000, "BRI Simpedes": 2_000_000}
    assert sum(_balances().values()) == selectors.current_balance() == 2_501_200
    # The account's opening balance counts in the cash book on its date, like the profile's.
    assert selectors.month_summary(MAY_1).brought_over == 2_000_000


def test_an_expense_may_not_take_its_account_below_zero(bendahara, bank):
    income(MAY_1, 3_000_000)  # on Kas tunai: the kampung has money, the bank account has none
    with pytest.raises(ValidationError) as caught:
        _expense(MAY_5, 6_500, bank, bendahara)  # a bank charge with nothing in the bank
    assert caught.value.code == "insufficient_balance"
    assert "BRI Simpedes" in caught.value.messages[0] and "-Rp 6.500" in caught.value.messages[0]
    assert not Expense.objects.exists()
    _expense(MAY_5, 6_500, Account.objects.get(is_default=True), bendahara)
    assert _balances()["Kas tunai"] == 2_993_500


def test_moving_an_expense_to_an_empty_account_is_refused(bendahara, bank):
    income(MAY_1, 10_000)
    expense = _expense(MAY_5, 4_000, Account.objects.get(is_default=True), bendahara)
    expense.account = bank
    with pytest.raises(ValidationError):
        spending.save_expense(expense, user=bendahara)
    assert Expense.objects.get().account.is_default


def test_a_transfer_moves_money_between_accounts_only(bendahara, bank):
    income(MAY_1, 1_000_000)
    before = selectors.month_summary(MAY_1)
    kas = Account.objects.get(is_default=True)
    record_transfer(transfer_date=MAY_10, from_account=kas, to_account=bank, amount=800_000, user=bendahara)
    after = selectors.month_summary(MAY_1)
    assert after == before  # income, spending, adjustments and the closing balance: all unchanged
    assert (after.income, after.expenses, after.closing) == (1_000_000, 0, 1_000_000)
    assert _balances() == {"Kas tunai": 200_000, "BRI Simpedes": 800_000}
    assert _balances(MAY_5) == {"Kas tunai": 1_000_000, "BRI Simpedes": 0}
    assert selectors.current_balance() == 1_000_000


def test_a_transfer_may_not_take_its_source_below_zero_on_any_later_date(bendahara, bank):
    kas = Account.objects.get(is_default=True)
    income(MAY_1, 100_000)
    _expense(MAY_20, 60_000, kas, bendahara)
    with pytest.raises(ValidationError) as caught:  # 50.000 is there on the 10th, but the 20th's expense needs 60.000
        record_transfer(transfer_date=MAY_10, from_account=kas, to_account=bank, amount=50_000, user=bendahara)
    assert caught.value.code == "insufficient_balance" and "Kas tunai" in caught.value.messages[0]
    assert not Transfer.objects.exists()
    record_transfer(transfer_date=MAY_10, from_account=kas, to_account=bank, amount=40_000, user=bendahara)


def test_undoing_a_transfer_is_refused_when_the_money_was_spent_from_the_target(bendahara, bank):
    kas = Account.objects.get(is_default=True)
    income(MAY_1, 100_000)
    transfer = record_transfer(transfer_date=MAY_5, from_account=kas, to_account=bank, amount=100_000, user=bendahara)
    _expense(MAY_10, 90_000, bank, bendahara)
    with pytest.raises(ValidationError):
        delete_transfer(transfer=transfer, user=bendahara)
    assert Transfer.objects.exists()


def test_a_transfer_names_two_accounts_and_a_positive_amount(bendahara, bank):
    kas = Account.objects.get(is_default=True)
    with pytest.raises(ValidationError) as caught:
        record_transfer(transfer_date=MAY_5, from_account=kas, to_account=kas, amount=0, user=bendahara)
    assert set(caught.value.message_dict) == {"amount", "to_account"}


def test_petugas_and_pokja_cannot_record_transfers(petugas, pokja, bank):
    kas = Account.objects.get(is_default=True)
    for user in (petugas, pokja):
        with pytest.raises(PermissionDenied):
            record_transfer(transfer_date=MAY_5, from_account=kas, to_account=bank, amount=1, user=user)


# --- Beneath the ORM: constraints and the closed-month triggers, in raw SQL -----------------------------


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_transfer(day, from_id, to_id, amount):
    _raw(
        "INSERT INTO ledger_transfer (transfer_date, from_account_id, to_account_id, amount, note, recorded_at, "
        "number_year, number) VALUES (%s, %s, %s, %s, '', %s, %s, %s)",
        [day, from_id, to_id, amount, dt.datetime(2026, 5, 1, 10), *numbered(NumberKind.TRANSFER, day)],
    )


def test_raw_sql_refuses_a_transfer_to_itself_or_of_nothing(bank):
    kas_id = default_account_id()
    with pytest.raises(IntegrityError):
        _insert_transfer(MAY_5, kas_id, kas_id, 1_000)
    with pytest.raises(IntegrityError):
        _insert_transfer(MAY_5, kas_id, bank.pk, 0)
    with pytest.raises(IntegrityError):
        _raw("UPDATE ledger_account SET opening_balance = -1 WHERE id = %s", [bank.pk])
    with pytest.raises(IntegrityError):  # an opening balance needs its date
        _raw("UPDATE ledger_account SET opening_balance = 5 WHERE id = %s", [bank.pk])
    with pytest.raises(IntegrityError):  # one default account
        _raw("UPDATE ledger_account SET is_default = %s WHERE id = %s", [True, bank.pk])
    _insert_transfer(MAY_5, kas_id, bank.pk, 1_000)
    assert Transfer.objects.count() == 1


def test_closed_month_triggers_cover_transfers_and_account_openings(bendahara, bank):
    kas_id = default_account_id()
    income(dt.date(2026, 1, 2), 100_000)
    _insert_transfer(dt.date(2026, 1, 5), kas_id, bank.pk, 40_000)
    Account.objects.filter(pk=bank.pk).update(opening_balance=10_000, opening_date=dt.date(2026, 1, 1))
    close_month(dt.date(2026, 1, 1), bendahara, today=MAY_1)
    transfer = Transfer.objects.get()
    refused = [
        ("UPDATE ledger_transfer SET amount = 1 WHERE id = %s", [transfer.pk]),
        ("UPDATE ledger_transfer SET transfer_date = %s WHERE id = %s", [MAY_5, transfer.pk]),
        ("DELETE FROM ledger_transfer WHERE id = %s", [transfer.pk]),
        ("UPDATE ledger_account SET opening_balance = 1 WHERE id = %s", [bank.pk]),
        ("UPDATE ledger_account SET opening_date = %s WHERE id = %s", [MAY_1, bank.pk]),
        ("DELETE FROM ledger_account WHERE id = %s", [bank.pk]),
        (
            "INSERT INTO ledger_account (name, kind, number, opening_balance, opening_date, is_active, is_default) "
            "VALUES ('Kotak', 'brankas', '', 5, %s, %s, %s)",
            [dt.date(2026, 1, 9), True, False],
        ),
    ]
    for sql, params in refused:
        with pytest.raises(DatabaseError):
            _raw(sql, params)
    with pytest.raises(DatabaseError):
        _insert_transfer(dt.date(2026, 1, 20), kas_id, bank.pk, 1_000)
    # Renaming or retiring an account is no money: allowed. An open month's transfer is writable.
    _raw("UPDATE ledger_account SET name = 'BRI', is_active = %s WHERE id = %s", [False, bank.pk])
    _insert_transfer(MAY_5, bank.pk, kas_id, 1_000)
    assert Transfer.objects.count() == 2
    assert Transfer.objects.filter(transfer_date=dt.date(2026, 1, 5)).get().amount == 40_000
    assert Account.objects.get(pk=bank.pk).opening_balance == 10_000


def test_adjustment_page_names_the_account_and_keeps_it_above_zero(client, bendahara, bank):
    income(dt.date(2026, 1, 2), 100_000)
    close_month(dt.date(2026, 1, 1), bendahara, today=MAY_1)
    client.force_login(bendahara)
    url = reverse("books:adjustment_create")
    page = client.get(url).content.decode()
    assert f'<option value="{default_account_id()}" selected>Kas tunai</option>' in page and "BRI Simpedes" in page
    data = {"entry_date": "2026-02-03", "direction": "out", "amount": "500", "corrects_month": "2026-01-01"}
    response = client.post(url, {**data, "reason": "Biaya bank Januari", "account": bank.pk})
    assert response.status_code == 200  # nothing in the bank to take it from
    assert "BRI Simpedes" in str(response.context["form"].errors["amount"])
    assert client.post(url, {**data, "reason": "Uang palsu"}).status_code == 302  # Kas tunai, left out of the post
    assert Adjustment.objects.get().account_id == default_account_id()
