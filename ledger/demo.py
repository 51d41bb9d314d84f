"""The ledger's part in `seed_demo`: emptying its tables, and the kampung's accounts with the treasurer's
monthly bank deposits and bank matches. The demo closes its old months through `ledger.services.close_month`,
as a treasurer would."""

from __future__ import annotations

import datetime as dt

from jimpitan.lib.months import next_month
from jimpitan.lib.sql import delete_all_rows
from ledger.models import Account, AccountKind, Adjustment, BalanceCheck, MonthClosing, MonthReopening, Transfer
from ledger.numbers import remove_all_numbers
from ledger.selectors import account_balance_at, lowest_account_balances_from
from ledger.services import record_balance_check, record_transfer

# What this app empties, closings first: while a month is closed, its triggers refuse to delete the month's
# rounds, expenses and income, so the ledger is wiped before any other app. The accounts stay: the other
# apps' records name them.
WIPED_MODELS = (
    MonthReopening,
    MonthClosing,
    Adjustment,
    BalanceCheck.history.model,
    BalanceCheck,
    Transfer.history.model,
    Transfer,
)

# name, kind, number: with the default Kas tunai, the demo kampung's three accounts.
DEMO_ACCOUNTS = (
    ("BRI Simpedes RW 05", AccountKind.BANK, "0123-01-004567-50-3"),
    ("Kotak kas pos ronda", AccountKind.BOX, ""),
)
BANKED_SHARE = 0.6  # of the cash that no later spending needs


def wipe_ledger() -> None:
    delete_all_rows(WIPED_MODELS)
    remove_all_numbers()


def seed_accounts(*, first_month: dt.date, last: dt.date, user) -> int:
    """The bank account and the cash box; at each month's end (or `last`) the treasurer banks part of the cash
    that later spending leaves untouched, then matches the bank book. Through the services, as a treasurer
    would: the balance rule and the bank matches hold. Returns the number of deposits."""
    accounts = [
        Account.objects.get_or_create(name=name, defaults={"kind": kind, "number": number})[0]
        for name, kind, number in DEMO_ACCOUNTS
    ]
    bank = accounts[0]
    cash = Account.objects.get(is_default=True)
    deposits = 0
    month = first_month
    while month <= last:
        day = min(next_month(month) - dt.timedelta(days=1), last)
        _low_day, spare = lowest_account_balances_from(day, [cash.pk])[cash.pk]
        # The lowest point counts days with a movement only; the month's end may have none (the rounds' money now
        # arrives with the handovers, not every evening), so its own balance counts too.
        spare = min(spare, account_balance_at(cash.pk, day))
        amount = int(spare * BANKED_SHARE) // 10_000 * 10_000
        if amount > 0:
            record_transfer(
                transfer_date=day, from_account=cash, to_account=bank, amount=amount, note="Setor ke bank", user=user
            )
            deposits += 1
        # The demo's bank book shows what the books do: every month's check is a match.
        statement = account_balance_at(bank.pk, day)
        record_balance_check(account=bank, check_date=day, stated_balance=statement, note="Buku tabungan", user=user)
        month = next_month(month)
    return deposits
