"""`manage.py account_balances [--date]`: each account's balance and the total, which is the cash book's."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ledger import selectors
from ledger.models import Account, AccountKind, Transfer, default_account_id
from tests.ledger.factories import hand_over, save_round
from tests.nightly.factories import make_rt
from tests.spending.factories import expense, income

pytestmark = pytest.mark.django_db


def _run(*args) -> list[str]:
    out = StringIO()
    call_command("account_balances", *args, stdout=out)
    return out.getvalue().splitlines()


def test_prints_each_account_and_a_total_equal_to_the_cash_book(kampung):
    bank = Account.objects.create(
        name="BRI Simpedes", kind=AccountKind.BANK, opening_balance=1_000_000, opening_date=dt.date(2026, 4, 30)
    )
    income(dt.date(2026, 5, 1), 800_000)
    expense(dt.date(2026, 5, 2), 50_000)
    Transfer.objects.create(
        transfer_date=dt.date(2026, 5, 3), from_account_id=default_account_id(), to_account=bank, amount=700_000
    )
    lines = _run("--date", "2026-05-03")
    assert lines[0] == "Saldo akun pada 2026-05-03"
    assert lines[1].split() == ["Kas", "tunai", "Rp", "50.000"]
    assert lines[2].split() == ["BRI", "Simpedes", "Rp", "1.700.000"]
    assert lines[3].split() == ["Total", "Rp", "1.750.000"]
    assert selectors.balance_at(dt.date(2026, 5, 3)) == 1_750_000
    before = _run("--date", "2026-05-02")
    assert before[-1].split() == ["Total", "Rp", "1.750.000"]  # the transfer moved money, it added none
    assert before[1].split()[-1] == "750.000"
    assert _run()[-1].split()[-1] == f"{selectors.current_balance():,}".replace(",", ".")


def test_a_bad_date_is_refused(kampung):
    with pytest.raises(CommandError):
        _run("--date", "31-05-2026")


def test_the_patrols_held_money_is_its_own_line_of_the_total(kampung, bendahara):
    rt, households = make_rt(households=2)
    held = save_round(rt, households, dt.date(2026, 5, 2), bendahara)
    handed = save_round(rt, households, dt.date(2026, 5, 1), bendahara, amount=2_000)
    hand_over([handed], dt.date(2026, 5, 3), bendahara)
    lines = _run("--date", "2026-05-03")
    assert lines[-2].split() == ["Di", "petugas", "Rp", f"{held.total:,}".replace(",", ".")]
    assert lines[-1].split() == ["Total", "Rp", "5.000"] and selectors.balance_at(dt.date(2026, 5, 3)) == 5_000
