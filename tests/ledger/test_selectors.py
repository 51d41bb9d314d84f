"""Basic cash-book sums on hand-made records (the hypothesis invariants live with the ledger tests)."""

import datetime as dt

import pytest

from households.models import RT
from ledger.models import Adjustment, default_account_id
from ledger.selectors import (
    balance_at,
    cash_book,
    current_balance,
    lowest_account_balances_from,
    lowest_balance_from,
    lowest_end_of_day,
)
from nightly.models import Round
from spending.models import Expense, OtherIncome

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(kampung, bendahara):
    kampung.opening_balance = 1_000_000
    kampung.opening_balance_date = dt.date(2026, 4, 30)
    kampung.save()
    rt = RT.objects.create(number=3)
    Round.objects.create(rt=rt, evening=dt.date(2026, 5, 4), total=50_000, is_total_only=True)
    Round.objects.create(rt=rt, evening=dt.date(2026, 6, 1), total=70_000, is_total_only=True)
    OtherIncome.objects.create(received_on=dt.date(2026, 5, 10), description="Donasi", amount=200_000)
    Expense.objects.create(spent_on=dt.date(2026, 5, 20), description="Semen", amount=1_100_000)
    Adjustment.objects.create(
        entry_date=dt.date(2026, 6, 2), amount=-5_000, reason="Salah hitung", corrects_month=dt.date(2026, 5, 1)
    )


def test_cash_book_months_chain(books):
    april, may, june = cash_book(dt.date(2026, 4, 1), dt.date(2026, 6, 1))
    assert (april.opening, april.closing) == (0, 1_000_000)
    assert (may.opening, may.jimpitan, may.other_income, may.expenses, may.closing) == (
        1_000_000,
        50_000,
        200_000,
        1_100_000,
        150_000,
    )
    assert (june.opening, june.jimpitan, june.adjustments, june.closing) == (150_000, 70_000, -5_000, 215_000)
    assert current_balance() == 215_000


def test_balance_at_and_lowest_point(books):
    assert balance_at(dt.date(2026, 5, 19)) == 1_250_000
    assert balance_at(dt.date(2026, 5, 20)) == 150_000
    assert lowest_balance_from(dt.date(2026, 5, 1)) == (dt.date(2026, 5, 20), 150_000)


def test_the_lowest_point_counts_the_day_itself_when_nothing_moved_on_it():
    may = {dt.date(2026, 5, 10): 50_000, dt.date(2026, 5, 20): -30_000}
    # 100.000 held since before the 5th; the later deposit must not hide that the 5th ended on 100.000.
    assert lowest_end_of_day(dt.date(2026, 5, 5), 100_000, may) == (dt.date(2026, 5, 5), 100_000)
    assert lowest_end_of_day(dt.date(2026, 5, 10), 100_000, may) == (dt.date(2026, 5, 20), 120_000)
    assert lowest_end_of_day(dt.date(2026, 5, 21), 120_000, may) == (dt.date(2026, 5, 21), 120_000)


def test_an_accounts_lowest_point_from_a_quiet_day(books):
    kas = default_account_id()  # the rounds are still with the patrol: Kas tunai holds the rest
    assert lowest_account_balances_from(dt.date(2026, 5, 2), [kas])[kas] == (dt.date(2026, 6, 2), 95_000)
    OtherIncome.objects.create(received_on=dt.date(2026, 6, 10), description="Donasi", amount=40_000)
    # Nothing moved on 5 June; Kas tunai ended it on 95.000, before the donation came.
    assert lowest_account_balances_from(dt.date(2026, 6, 5), [kas])[kas] == (dt.date(2026, 6, 5), 95_000)
