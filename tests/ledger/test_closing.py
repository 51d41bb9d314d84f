"""Closing a month: the service, its refusals, reopening, adjustments and the database triggers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from ledger.models import Adjustment, MonthClosing, MonthReopening, NumberKind, default_account_id
from ledger.selectors import month_summary
from ledger.services import close_month, record_adjustment, reopen_month
from nightly.models import Contribution, Round
from spending.models import Expense, OtherIncome
from tests.ledger.factories import hand_over, numbered, save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
MAR = dt.date(2026, 3, 1)
TODAY = dt.date(2026, 4, 10)


@pytest.fixture
def books(bendahara):
    rt, households = make_rt(households=4)
    jan = save_round(rt, households, dt.date(2026, 1, 5), bendahara, amount=1000)
    feb = save_round(rt, households, dt.date(2026, 2, 7), bendahara, amount=500)
    return rt, households, jan, feb


def test_close_month_stores_the_cash_book_balance(books, bendahara):
    closing = close_month(JAN, bendahara, today=TODAY)
    assert closing.closing_balance == month_summary(JAN).closing == 4000
    assert closing.closed_by == bendahara
    assert MonthClosing.objects.get(month=JAN).closing_balance == 4000


def test_months_close_in_order(books, bendahara):
    with pytest.raises(ValidationError, match="Januari"):
        close_month(FEB, bendahara, today=TODAY)
    assert not MonthClosing.objects.exists()
    close_month(JAN, bendahara, today=TODAY)
    assert close_month(FEB, bendahara, today=TODAY).closing_balance == 6000


def test_month_not_ended_cannot_close(books, bendahara):
    with pytest.raises(ValidationError) as info:
        close_month(MAR, bendahara, today=dt.date(2026, 3, 31))
    assert info.value.code == "month_not_ended"


def test_closing_twice_is_refused(books, bendahara):
    close_month(JAN, bendahara, today=TODAY)
    with pytest.raises(ValidationError):
        close_month(JAN, bendahara, today=TODAY)
    assert MonthClosing.objects.count() == 1


def test_only_treasurer_closes(books, petugas, pokja):
    for user in (petugas, pokja):
        with pytest.raises(PermissionDenied):
            close_month(JAN, user, today=TODAY)
    assert not MonthClosing.objects.exists()


def test_services_refuse_writes_in_closed_month(books, bendahara):
    rt, households, jan, _feb = books
    close_month(JAN, bendahara, today=TODAY)
    with pytest.raises(ValidationError, match="sudah ditutup"):
        save_round(rt, households, dt.date(2026, 1, 6), bendahara)
    assert not Round.objects.filter(evening=dt.date(2026, 1, 6)).exists()


def test_reopen_is_superuser_only_and_logged(books, bendahara, superuser):
    close_month(JAN, bendahara, today=TODAY)
    with pytest.raises(PermissionDenied):
        reopen_month(JAN, bendahara, "salah hitung")
    with pytest.raises(ValidationError):
        reopen_month(JAN, superuser, "  ")
    assert MonthClosing.objects.filter(month=JAN).exists()
    log = reopen_month(JAN, superuser, "Setoran RT 3 tertukar")
    assert not MonthClosing.objects.filter(month=JAN).exists()
    assert (log.month, log.previous_closing_balance, log.reopened_by) == (JAN, 4000, superuser)
    assert MonthReopening.objects.get().reason == "Setoran RT 3 tertukar"
    rt, households, *_ = books
    save_round(rt, households, dt.date(2026, 1, 6), bendahara)  # writable again


def test_reopen_latest_closed_month_first(books, bendahara, superuser):
    close_month(JAN, bendahara, today=TODAY)
    close_month(FEB, bendahara, today=TODAY)
    with pytest.raises(ValidationError):
        reopen_month(JAN, superuser, "alasan")
    reopen_month(FEB, superuser, "alasan")
    reopen_month(JAN, superuser, "alasan")
    assert not MonthClosing.objects.exists()


def test_adjustment_corrects_closed_month(books, bendahara):
    hand_over([books[2]], dt.date(2026, 1, 6), bendahara)  # the money is on Kas tunai, which the correction takes from
    close_month(JAN, bendahara, today=TODAY)
    adjustment = record_adjustment(dt.date(2026, 2, 20), -1500, "Uang palsu di setoran 5 Jan", JAN, bendahara)
    assert adjustment.corrects_month == JAN
    feb = month_summary(FEB)
    assert feb.adjustments == -1500
    assert feb.closing == 4000 + 2000 - 1500
    assert month_summary(JAN).closing == 4000  # the closed month itself is unchanged


def test_adjustment_refusals(books, bendahara):
    with pytest.raises(ValidationError):  # January is not closed: correct the record itself
        record_adjustment(dt.date(2026, 2, 20), 100, "alasan", JAN, bendahara)
    close_month(JAN, bendahara, today=TODAY)
    close_month(FEB, bendahara, today=TODAY)
    with pytest.raises(ValidationError, match="sudah ditutup"):  # entry month closed
        record_adjustment(dt.date(2026, 2, 20), 100, "alasan", JAN, bendahara)
    with pytest.raises(ValidationError):
        record_adjustment(dt.date(2026, 3, 2), 100, "", JAN, bendahara)
    with pytest.raises(ValidationError):
        record_adjustment(dt.date(2026, 3, 2), 0, "alasan", JAN, bendahara)
    assert not Adjustment.objects.exists()


# --- Triggers: raw SQL beneath the ORM ---------------------------------------------------------------


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_trigger_refuses_raw_writes_to_rounds_and_contributions(books, bendahara):
    rt, households, jan, _feb = books
    close_month(JAN, bendahara, today=TODAY)
    with pytest.raises(DatabaseError):
        _raw("UPDATE nightly_round SET total = total + 1 WHERE id = %s", [jan.pk])
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM nightly_contribution WHERE round_id = %s", [jan.pk])
    with pytest.raises(DatabaseError):
        _raw("UPDATE nightly_contribution SET amount = 700 WHERE round_id = %s", [jan.pk])
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM nightly_round WHERE id = %s", [jan.pk])
    with pytest.raises(DatabaseError):  # moving a February round into January
        _raw("UPDATE nightly_round SET evening = %s WHERE evening = %s", [dt.date(2026, 1, 9), dt.date(2026, 2, 7)])
    with pytest.raises(DatabaseError):
        _raw(
            "INSERT INTO nightly_round (rt_id, evening, collectors, notes, is_total_only, total, households_listed,"
            " households_paid, recorded_at, updated_at, version) VALUES (%s, %s, '', '', %s, 100, 0, 0, %s, %s, 1)",
            [rt.pk, dt.date(2026, 1, 20), True, dt.datetime(2026, 1, 20, 20), dt.datetime(2026, 1, 20, 20)],
        )
    jan.refresh_from_db()
    assert jan.total == 4000
    assert Contribution.objects.filter(round=jan).count() == 4
    # The open month stays writable with raw SQL.
    _raw("UPDATE nightly_round SET notes = 'ok' WHERE evening = %s", [dt.date(2026, 2, 7)])


def test_trigger_refuses_raw_writes_to_spending_and_adjustments(books, bendahara):
    expense = Expense.objects.create(spent_on=dt.date(2026, 1, 10), description="Senter", amount=1000)
    income = OtherIncome.objects.create(received_on=dt.date(2026, 1, 11), description="Donasi", amount=2000)
    close_month(JAN, bendahara, today=TODAY)
    close_month(FEB, bendahara, today=TODAY)
    with pytest.raises(DatabaseError):
        _raw("UPDATE spending_expense SET amount = 1 WHERE id = %s", [expense.pk])
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM spending_otherincome WHERE id = %s", [income.pk])
    with pytest.raises(DatabaseError):
        _raw(
            "INSERT INTO ledger_adjustment (entry_date, amount, reason, corrects_month, recorded_at, account_id, "
            "number_year, number) VALUES (%s, 100, 'x', %s, %s, %s, %s, %s)",
            [
                dt.date(2026, 2, 3),
                JAN,
                dt.datetime(2026, 2, 3, 10),
                default_account_id(),
                *numbered(NumberKind.ADJUSTMENT, dt.date(2026, 2, 3)),
            ],
        )
    with pytest.raises(DatabaseError):
        _raw("UPDATE ledger_monthclosing SET closing_balance = 1")
    assert Expense.objects.get().amount == 1000
    assert OtherIncome.objects.count() == 1
    assert not Adjustment.objects.exists()
    assert MonthClosing.objects.get(month=JAN).closing_balance == 5000
