"""The registry of cash sources: which records move the kampung's money, and on which side.

The cash book sums every registered source; it never names the apps that own them. Each money app
registers its own models from `AppConfig.ready()`, so the books stay at the bottom of the stack and an
app added later (handovers, catch-up payments) joins the cash book by registering, not by editing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet

# The Flow fields a source may feed; the cash book adds "in" sides and subtracts "out" sides.
FLOW_FIELDS = ("jimpitan", "catch_ups", "other_income", "expenses", "adjustments")
# How each figure moves an account's balance.
FLOW_SIGNS = {"jimpitan": 1, "catch_ups": 1, "other_income": 1, "expenses": -1, "adjustments": 1}


@dataclass(frozen=True)
class CashSource:
    flow_field: str  # which Flow figure the amounts add to
    model: type[Model]
    date_field: str
    amount_field: str
    # Narrows the model's rows to those that are money (all of them unless given).
    queryset: Callable[[], QuerySet] | None = None
    # For check_ledger: recomputes the source's stored figures from their detail; one line per mismatch.
    verify: Callable[[], list[str]] | None = None
    # The column naming the account the money is on; None: the default account (Kas tunai).
    account_field: str | None = None
    # The column that names each record to the public (an expense's description): the month's seal lists
    # these records one by one; a source without it is sealed as its month's total only.
    label_field: str | None = None
    # When the money reaches its account, if later than `date_field` (a round's money reaches the treasurer's
    # account when its handover is received). Until then, and while this is NULL, the money is in the cash
    # book but on no account: held outside the accounts (the rounds' "di petugas"). With `account_field`
    # naming a column along the same relation (NULL alike while held).
    account_date_field: str | None = None

    def rows(self) -> QuerySet:
        return self.queryset() if self.queryset is not None else self.model._default_manager.all()


_sources: dict[str, CashSource] = {}


def register_cash_source(name: str, source: CashSource) -> None:
    if source.flow_field not in FLOW_FIELDS:
        raise ValueError(f"{source.flow_field!r} is not a cash-book figure ({', '.join(FLOW_FIELDS)})")
    _sources[name] = source


def cash_sources() -> list[CashSource]:
    return list(_sources.values())


def cash_models() -> list[type[Model]]:
    """The models whose rows are money: the closed-month guards and the public cache watch these."""
    return [source.model for source in _sources.values()]


def source_mismatches() -> list[str]:
    """What each source's own check finds (check_ledger)."""
    return [problem for source in _sources.values() if source.verify is not None for problem in source.verify()]
