"""Where the money is: each account's balance now in one query (`accounts_now`), the balance by kind for residents
(`where_the_money_is`), and each account's month for the monthly report (`account_months`)."""

import datetime as dt

import pytest

from households.models import RT
from ledger.models import Account, AccountKind, Adjustment, BalanceCheck, Transfer, default_account_id
from ledger.selectors import (
    AccountMonth,
    account_balance_at,
    account_balances,
    account_months,
    accounts_now,
    held_outside_accounts,
    month_summary,
    sum_flows,
    where_the_money_is,
)
from nightly.models import Handover, Round
from spending.models import Expense, OtherIncome

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(kampung):
    kampung.opening_balance = 1_000_000
    kampung.opening_balance_date = dt.date(2026, 4, 30)
    kampung.save()
    return {
        "kas": Account.objects.get(pk=default_account_id()),
        "bank": Account.objects.create(
            name="BRI",
            kind=AccountKind.BANK,
            number="0123-45",
            opening_balance=300_000,
            opening_date=dt.date(2026, 5, 2),
        ),
        "box": Account.objects.create(name="Kotak", kind=AccountKind.BOX),
        "wallet": Account.objects.create(name="DANA", kind=AccountKind.EWALLET),
        "retired": Account.objects.create(name="Lama", kind=AccountKind.BANK, is_active=False),
    }


@pytest.fixture
def books(accounts):
    kas, bank, box, wallet = (accounts[k] for k in ("kas", "bank", "box", "wallet"))
    rt = RT.objects.create(number=3)
    for evening, total in ((dt.date(2026, 5, 4), 50_000), (dt.date(2026, 6, 1), 70_000)):
        # Handed over into Kas tunai the same evening: the patrol holds nothing here.
        handover = Handover.objects.create(
            received_on=evening, handed_by_name="Pak Ronda", account=kas, expected=total, counted=total, difference=0
        )
        Round.objects.create(rt=rt, evening=evening, total=total, is_total_only=True, handover=handover)
    OtherIncome.objects.create(received_on=dt.date(2026, 5, 10), description="Donasi", amount=200_000, account=wallet)
    OtherIncome.objects.create(received_on=dt.date(2026, 6, 30), description="Bunga", amount=1_500, account=bank)
    Expense.objects.create(spent_on=dt.date(2026, 5, 20), description="Semen", amount=900_000, account=kas)
    Expense.objects.create(spent_on=dt.date(2026, 6, 30), description="Biaya admin", amount=2_500, account=bank)
    Adjustment.objects.create(
        entry_date=dt.date(2026, 6, 2), amount=-5_000, reason="Salah hitung", corrects_month=dt.date(2026, 5, 1)
    )
    Adjustment.objects.create(
        entry_date=dt.date(2026, 6, 3), amount=7_000, reason="Lupa", corrects_month=dt.date(2026, 5, 1), account=box
    )
    Transfer.objects.create(transfer_date=dt.date(2026, 5, 31), from_account=kas, to_account=bank, amount=100_000)
    Transfer.objects.create(transfer_date=dt.date(2026, 6, 5), from_account=kas, to_account=box, amount=20_000)
    Transfer.objects.create(transfer_date=dt.date(2026, 6, 6), from_account=wallet, to_account=bank, amount=150_000)
    return accounts


def test_accounts_now_is_account_balances_in_one_query(books, kampung, django_assert_num_queries):
    with django_assert_num_queries(1):
        now = accounts_now(kampung)
    expected = {row.account.pk: row.balance for row in account_balances()}
    assert {row.account.pk: row.balance for row in now} == expected
    assert expected[books["kas"].pk] == 1_000_000 + 50_000 + 70_000 - 900_000 - 5_000 - 100_000 - 20_000
    assert expected[books["bank"].pk] == 300_000 + 100_000 + 150_000 + 1_500 - 2_500


def test_where_the_money_is_by_kind_adds_up_to_the_balance(books, kampung):
    BalanceCheck.objects.create(
        account=books["bank"], check_date=dt.date(2026, 5, 31), stated_balance=400_000, app_balance=400_000
    )
    # A later check that did not match is no match; a matched one on a cash account is no bank match.
    BalanceCheck.objects.create(
        account=books["bank"], check_date=dt.date(2026, 6, 10), stated_balance=1, app_balance=550_000
    )
    BalanceCheck.objects.create(account=books["kas"], check_date=dt.date(2026, 6, 20), stated_balance=5, app_balance=5)
    where = where_the_money_is(kampung)
    balances = {row.account.kind: 0 for row in account_balances()}
    for row in account_balances():
        balances[row.account.kind] += row.balance
    assert where.cash == balances[AccountKind.CASH] + balances[AccountKind.BOX]
    assert where.bank == balances[AccountKind.BANK] + balances[AccountKind.EWALLET] == 549_000 + 50_000
    assert where.total == month_summary(dt.date(2026, 6, 1)).closing
    assert where.has_bank and where.last_bank_match == dt.date(2026, 5, 31)


def test_where_the_money_is_with_only_the_default_account(kampung):
    OtherIncome.objects.create(received_on=dt.date(2026, 5, 10), description="Donasi", amount=200_000)
    where = where_the_money_is(kampung)
    assert (where.cash, where.bank, where.has_bank, where.last_bank_match) == (200_000, 0, False, None)


def test_account_months_add_up_to_the_cash_book(books, kampung, django_assert_num_queries):
    for month in (dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1), dt.date(2026, 7, 1)):
        rows = account_months(month, kampung)
        total = sum(rows, AccountMonth(None))
        summary = month_summary(month)
        assert (total.opening, total.closing) == (summary.opening, summary.closing)
        assert total.money_in - total.money_out == summary.flow.net
        assert total.transfers_in == total.transfers_out  # a transfer is neither income nor spending
        end = month.replace(day=28) + dt.timedelta(days=4)
        last_day = end - dt.timedelta(days=end.day)
        for row in rows:
            if row.held:  # the month's rounds passed through the patrol's hands
                assert row.closing == held_outside_accounts(last_day) == 0, row
                continue
            assert row.closing == account_balance_at(row.account.pk, last_day), row
    june = {row.name: row for row in account_months(dt.date(2026, 6, 1), kampung)}
    assert "Lama" not in june  # retired, and nothing ever on it
    bank = june["BRI"]
    assert (bank.opening, bank.money_in, bank.money_out, bank.transfers_in, bank.transfers_out) == (
        400_000,
        1_500,
        2_500,
        150_000,
        0,
    )
    kas = june["Kas tunai"]
    # The round's money comes to Kas tunai from the patrol, as a transfer, when handed over.
    assert (kas.money_in, kas.transfers_in, kas.money_out, kas.transfers_out) == (0, 70_000, 5_000, 20_000)
    may = {row.name: row for row in account_months(dt.date(2026, 5, 1), kampung)}
    assert (may["BRI"].opening, may["BRI"].money_in) == (0, 300_000)  # its opening balance, dated in May
    assert sum_flows([month_summary(dt.date(2026, 5, 1)).flow]).income == 250_000
    # the accounts, one per cash source (other income, expenses, adjustments, handover differences, catch-ups), two
    # for the rounds (as collected, as handed over) and two for transfers
    with django_assert_num_queries(10):
        account_months(dt.date(2026, 6, 1), kampung)
