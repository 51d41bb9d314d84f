"""The ledger's part in `seed_demo`: emptying its tables. It seeds no rows of its own; the demo closes its
old months through `ledger.services.close_month`, as a treasurer would."""

from __future__ import annotations

from jimpitan.lib.sql import delete_all_rows
from ledger.models import Adjustment, BalanceCheck, MonthClosing, MonthReopening, Transfer

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


def wipe_ledger() -> None:
    delete_all_rows(WIPED_MODELS)
