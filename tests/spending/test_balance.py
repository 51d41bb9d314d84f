"""The cash balance may never go below zero on any date; services check it inside their transaction."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ledger.guards import MonthClosedError
from ledger.models import MonthClosing
from ledger.selectors import current_balance
from public.cache import public_cache_version
from spending import services
from spending.models import Expense, OtherIncome
from tests.spending.factories import expense, income

pytestmark = pytest.mark.django_db

MAY_1, MAY_5, MAY_10, MAY_20 = (dt.date(2026, 5, d) for d in (1, 5, 10, 20))


def _new_expense(day, amount, **extra):
    return Expense(spent_on=day, description="Semen 10 sak", payee="Toko Bangunan", amount=amount, **extra)


def test_expense_within_the_balance_is_saved(bendahara):
    income(MAY_1, 3_500_000)
    saved = services.save_expense(_new_expense(MAY_5, 3_500_000), user=bendahara)
    assert saved.pk and saved.recorded_by == bendahara
    assert current_balance() == 0


def test_expense_above_the_balance_is_refused_with_the_balance_on_that_date(bendahara):
    income(MAY_1, 3_500_000)
    with pytest.raises(ValidationError) as caught:
        services.save_expense(_new_expense(MAY_5, 3_500_001), user=bendahara)
    message = caught.value.messages[0]
    assert "Rp 3.500.000" in message  # the balance on 5 May
    assert "5 Mei 2026" in message
    assert "-Rp 1" in message
    assert not Expense.objects.exists()


def test_backdated_expense_before_the_income_that_covered_it_is_refused(bendahara):
    """Cash on 20 May covers Rp 2.000.000, but on 1 May the box was empty: spending then is impossible."""
    income(MAY_10, 2_000_000)
    with pytest.raises(ValidationError) as caught:
        services.save_expense(_new_expense(MAY_1, 1_000_000), user=bendahara)
    assert "Rp 0" in caught.value.messages[0]
    assert "1 Mei 2026" in caught.value.messages[0]
    assert not Expense.objects.exists()
    # On the 10th, when the income came in, the same expense is fine.
    services.save_expense(_new_expense(MAY_10, 1_000_000), user=bendahara)
    assert current_balance() == 1_000_000


def test_a_later_low_point_counts_too(bendahara):
    """Spending on the 5th also leaves that money missing on the 20th, when a big expense already took cash."""
    income(MAY_1, 5_000_000)
    expense(MAY_20, 4_000_000)
    with pytest.raises(ValidationError) as caught:
        services.save_expense(_new_expense(MAY_5, 1_500_000), user=bendahara)
    message = caught.value.messages[0]
    assert "Rp 5.000.000" in message and "Rp 1.000.000" in message and "20 Mei 2026" in message
    services.save_expense(_new_expense(MAY_5, 1_000_000), user=bendahara)
    assert current_balance() == 0


def test_editing_an_expense_upwards_or_earlier_is_checked(bendahara):
    income(MAY_10, 1_000_000)
    saved = services.save_expense(_new_expense(MAY_10, 600_000), user=bendahara)
    saved.amount = 1_200_000
    with pytest.raises(ValidationError):
        services.save_expense(saved, user=bendahara)
    saved.refresh_from_db()
    saved.spent_on = MAY_5  # before the income arrived
    with pytest.raises(ValidationError):
        services.save_expense(saved, user=bendahara)
    saved.refresh_from_db()
    assert (saved.amount, saved.spent_on) == (600_000, MAY_10)


def test_deleting_or_reducing_income_that_paid_for_spending_is_refused(bendahara):
    donation = services.save_other_income(
        OtherIncome(received_on=MAY_1, description="Donasi warga", amount=2_000_000), user=bendahara
    )
    expense(MAY_5, 1_500_000)
    donation.amount = 1_000_000
    with pytest.raises(ValidationError):
        services.save_other_income(donation, user=bendahara)
    donation.refresh_from_db()
    donation.received_on = MAY_10  # moving it after the spending also leaves the 5th short
    with pytest.raises(ValidationError):
        services.save_other_income(donation, user=bendahara)
    with pytest.raises(ValidationError):
        services.delete_other_income(OtherIncome.objects.get())
    assert OtherIncome.objects.get().amount == 2_000_000
    donation.refresh_from_db()
    donation.amount = 1_500_000
    services.save_other_income(donation, user=bendahara)
    assert current_balance() == 0


def test_a_refused_new_expense_does_not_look_saved(bendahara):
    candidate = _new_expense(MAY_5, 10_000)
    with pytest.raises(ValidationError):
        services.save_expense(candidate, user=bendahara)
    assert candidate.pk is None and candidate._state.adding


def test_closed_month_is_refused_for_old_and_new_date(bendahara):
    income(dt.date(2026, 4, 1), 5_000_000)
    saved = services.save_expense(_new_expense(dt.date(2026, 4, 10), 100_000), user=bendahara)
    MonthClosing.objects.create(month=dt.date(2026, 4, 1), closing_balance=4_900_000, closed_by=bendahara)
    with pytest.raises(MonthClosedError):
        services.save_expense(_new_expense(dt.date(2026, 4, 20), 1_000), user=bendahara)
    saved.spent_on = MAY_5  # moving it out of the closed month changes April too
    with pytest.raises(MonthClosedError):
        services.save_expense(saved, user=bendahara)
    with pytest.raises(MonthClosedError):
        services.delete_expense(Expense.objects.get())


def test_changes_invalidate_the_public_figures(bendahara, django_capture_on_commit_callbacks):
    income(MAY_1, 1_000_000)
    before = public_cache_version()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_expense(_new_expense(MAY_5, 1_000), user=bendahara)
    assert public_cache_version() != before


def test_an_already_negative_history_does_not_block_a_harmless_fix(bendahara):
    """Old data may be short (entered before the rule); lowering a past expense must still be possible."""
    old = expense(MAY_5, 500_000)  # straight into the table: no income at all
    old.amount = 400_000
    services.save_expense(old, user=bendahara)
    old.refresh_from_db()
    assert old.amount == 400_000
    old.amount = 450_000
    with pytest.raises(ValidationError):
        services.save_expense(old, user=bendahara)


def test_changing_amount_clears_an_approval(bendahara, pokja):
    income(MAY_1, 1_000_000)
    saved = services.save_expense(_new_expense(MAY_5, 100_000), user=bendahara)
    services.approve_expense(saved, pokja)
    services.save_expense(saved, user=bendahara)
    assert Expense.objects.get().approved_by == pokja  # saved unchanged: still the approved version
    saved.amount = 120_000
    services.save_expense(saved, user=bendahara)
    assert Expense.objects.get().approved_by is None
