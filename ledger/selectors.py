"""The one module that computes the kampung's money. Pages, reports, exports and checks all call it.

Cash in: the registered cash sources that feed jimpitan and other income, positive adjustments, and the
opening balance entered in the kampung profile. Cash out: expenses and negative adjustments. Which
models those are is the registry's business (`ledger.sources`): the money apps register themselves.
Every figure is computed from the records; round totals are kept by the transaction that saves a
round's contributions and are verified by `check_ledger`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Sum

from jimpitan.lib.months import month_start, next_month
from jimpitan.models import KampungProfile
from ledger.models import Account, BalanceCheck, Transfer, default_account_id
from ledger.sources import FLOW_SIGNS, cash_sources


@dataclass(frozen=True)
class Flow:
    """Money that moved in one period (a day or a month)."""

    jimpitan: int = 0
    other_income: int = 0
    expenses: int = 0
    adjustments: int = 0  # signed
    opening_entry: int = 0  # the profile's opening balance, counted on its date

    @property
    def income(self) -> int:
        return self.jimpitan + self.other_income

    @property
    def net(self) -> int:
        return self.opening_entry + self.jimpitan + self.other_income - self.expenses + self.adjustments

    def __add__(self, other: Flow) -> Flow:
        return Flow(
            self.jimpitan + other.jimpitan,
            self.other_income + other.other_income,
            self.expenses + other.expenses,
            self.adjustments + other.adjustments,
            self.opening_entry + other.opening_entry,
        )


@dataclass(frozen=True)
class MonthSummary:
    month: dt.date  # first day
    opening: int
    flow: Flow

    @property
    def jimpitan(self) -> int:
        return self.flow.jimpitan

    @property
    def other_income(self) -> int:
        return self.flow.other_income

    @property
    def expenses(self) -> int:
        return self.flow.expenses

    @property
    def adjustments(self) -> int:
        return self.flow.adjustments

    @property
    def income(self) -> int:
        return self.flow.income

    @property
    def brought_over(self) -> int:
        """The balance brought over from the old books (the profile's opening balance), in its month."""
        return self.flow.opening_entry

    @property
    def closing(self) -> int:
        return self.opening + self.flow.net


def _collect(by_month: bool, start: dt.date | None = None, end: dt.date | None = None) -> dict[dt.date, Flow]:
    """Flows grouped by day or by month, one aggregate query per source. `end` is exclusive."""
    totals: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for source in cash_sources():
        name, queryset, date_field, amount_field = (
            source.flow_field,
            source.rows(),
            source.date_field,
            source.amount_field,
        )
        if start is not None:
            queryset = queryset.filter(**{f"{date_field}__gte": start})
        if end is not None:
            queryset = queryset.filter(**{f"{date_field}__lt": end})
        # Grouped by the plain date column and folded into months here: SQLite has no native month
        # truncation, and Django's stand-in is a Python function called once per row (all rounds ever).
        rows = queryset.order_by().values(date_field).annotate(amount=Sum(amount_field))
        for day, amount in rows.values_list(date_field, "amount"):
            if isinstance(day, dt.datetime):
                day = day.date()
            period = month_start(day) if by_month else day
            totals[period][name] = totals[period].get(name, 0) + int(amount or 0)
    for day, _account_id, amount in _openings(start, end):
        period = month_start(day) if by_month else day
        totals[period]["opening_entry"] = totals[period].get("opening_entry", 0) + amount
    return {period: Flow(**values) for period, values in totals.items()}


def _in_window(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or day >= start) and (end is None or day < end)


def _openings(start: dt.date | None, end: dt.date | None) -> list[tuple[dt.date, int | None, int]]:
    """The balances brought over from the old books, as (day, account id, amount) rows: the profile's (on the
    default account, None here) and each account's own. Two queries."""
    rows: list[tuple[dt.date, int | None, int]] = []
    profile = KampungProfile.load()
    if profile and profile.opening_balance and profile.opening_balance_date:
        rows.append((profile.opening_balance_date, None, profile.opening_balance))
    accounts = Account.objects.filter(opening_balance__gt=0).values_list("opening_date", "pk", "opening_balance")
    # A positive opening balance has its date (a CHECK constraint).
    rows += [(day, pk, amount) for day, pk, amount in accounts if day is not None]
    return [row for row in rows if _in_window(row[0], start, end)]


def monthly_flows() -> dict[dt.date, Flow]:
    """Every month that has any record, keyed by its first day."""
    return _collect(by_month=True)


def cash_book(first: dt.date, last: dt.date, flows: dict[dt.date, Flow] | None = None) -> list[MonthSummary]:
    """Month summaries from `first` to `last` inclusive, with openings carried from all earlier records."""
    flows = monthly_flows() if flows is None else flows
    first, last = month_start(first), month_start(last)
    opening = sum((f.net for month, f in flows.items() if month < first), 0)
    summaries = []
    month = first
    while month <= last:
        summary = MonthSummary(month=month, opening=opening, flow=flows.get(month, Flow()))
        summaries.append(summary)
        opening = summary.closing
        month = next_month(month)
    return summaries


def month_summary(month: dt.date) -> MonthSummary:
    return cash_book(month, month)[0]


def first_month_with_records(flows: dict[dt.date, Flow] | None = None) -> dt.date | None:
    flows = monthly_flows() if flows is None else flows
    return min(flows) if flows else None


def balance_at(day: dt.date) -> int:
    """The cash at the end of `day`."""
    return sum((f.net for f in _collect(by_month=False, end=day + dt.timedelta(days=1)).values()), 0)


def current_balance(flows: dict[dt.date, Flow] | None = None) -> int:
    """The cash now: every record ever, the opening balance included (future-dated records too)."""
    flows = monthly_flows() if flows is None else flows
    return sum((f.net for f in flows.values()), 0)


def lowest_balance_from(day: dt.date) -> tuple[dt.date, int]:
    """The lowest end-of-day balance on `day` or any later date with a record, and that date.

    An expense on `day` is only safe if it does not exceed this: cash spent on the 3rd is also missing
    on the 20th, so a later low point counts too.
    """
    balance = balance_at(day - dt.timedelta(days=1))
    lowest_day, lowest = day, None
    for period, flow in sorted(_collect(by_month=False, start=day).items()):
        balance += flow.net
        if lowest is None or balance < lowest:
            lowest_day, lowest = period, balance
    if lowest is None:
        return day, balance
    return lowest_day, lowest


def sum_flows(flows: Iterable[Flow]) -> Flow:
    total = Flow()
    for flow in flows:
        total = total + flow
    return total


# --- Months and years, for the pages and reports -----------------------------------------------------
# Each runs one aggregate query per cash source (none with `flows`), whatever the number of records.


def last_months(today: dt.date, count: int = 12, flows: dict[dt.date, Flow] | None = None) -> list[MonthSummary]:
    """The `count` months up to and including today's month, newest first."""
    last = month_start(today)
    first = last
    for _ in range(count - 1):
        first = month_start(first - dt.timedelta(days=1))
    return list(reversed(cash_book(first, last, flows)))


@dataclass(frozen=True)
class YearSummary:
    year: int
    opening: int
    flow: Flow
    closing: int


def year_summaries(before: dt.date, flows: dict[dt.date, Flow] | None = None) -> list[YearSummary]:
    """One row per calendar year that has records in months before `before`, newest first."""
    flows = monthly_flows() if flows is None else flows
    first = first_month_with_records(flows)
    if first is None or first >= before:
        return []
    summaries = []
    for year in range(first.year, month_start(before - dt.timedelta(days=1)).year + 1):
        months = cash_book(dt.date(year, 1, 1), dt.date(year, 12, 1), flows)
        summaries.append(YearSummary(year, months[0].opening, sum_flows(m.flow for m in months), months[-1].closing))
    return list(reversed(summaries))


def year_months(year: int, flows: dict[dt.date, Flow] | None = None) -> list[MonthSummary]:
    return cash_book(dt.date(year, 1, 1), dt.date(year, 12, 1), flows)


# --- Accounts: where the money is -------------------------------------------------------------------
# Transfers move money between accounts: they change no Flow figure, so the cash book's balance is the
# sum of the accounts' balances on every date.


def _window(queryset, date_field: str, start: dt.date | None, end: dt.date | None):
    if start is not None:
        queryset = queryset.filter(**{f"{date_field}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{date_field}__lt": end})
    return queryset.order_by()


def account_movements(start: dt.date | None = None, end: dt.date | None = None) -> dict[int, dict[dt.date, int]]:
    """Signed money per account per day, openings and transfers included; `end` is exclusive. A source's money
    counts on its account from the day it reaches it (`CashSource.account_date_field`); before that it is held
    outside the accounts (`held_outside_accounts`).

    One aggregate query per cash source, two for transfers, two for the openings and one for the default
    account, whatever the number of records."""
    default_id = default_account_id()
    moves: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for source in cash_sources():
        sign = FLOW_SIGNS[source.flow_field]
        # Money held outside the accounts (a round not yet handed over) is on none of them yet.
        day_field = source.account_date_field or source.date_field
        queryset = _window(source.rows(), day_field, start, end)
        if source.account_date_field:
            queryset = queryset.filter(**{f"{day_field}__isnull": False})
        account = source.account_field
        grouped = queryset.values(*([day_field] + ([account] if account else [])))
        for row in grouped.annotate(amount=Sum(source.amount_field)):
            day = row[day_field]
            day = day.date() if isinstance(day, dt.datetime) else day
            moves[row[account] if account else default_id][day] += sign * int(row["amount"] or 0)
    transfers = _window(Transfer.objects.all(), "transfer_date", start, end)
    for side, sign in (("from_account_id", -1), ("to_account_id", 1)):
        for day, account_id, amount in transfers.values_list("transfer_date", side).annotate(total=Sum("amount")):
            moves[account_id][day] += sign * int(amount)
    for day, account_id, amount in _openings(start, end):
        moves[account_id or default_id][day] += amount
    return moves


def held_outside_accounts(day: dt.date | None = None) -> int:
    """Money in the cash book at the end of `day` (now, future records included, if None) that has not reached
    any account yet: the rounds still held by the patrol ("di petugas"). The accounts' balances plus this equal
    the cash book's balance on every date. One aggregate query per such source."""
    held = 0
    for source in cash_sources():
        if not source.account_date_field:
            continue
        queryset = source.rows().order_by()
        not_arrived = models.Q(**{f"{source.account_date_field}__isnull": True})
        if day is not None:
            queryset = queryset.filter(**{f"{source.date_field}__lte": day})
            not_arrived |= models.Q(**{f"{source.account_date_field}__gt": day})
        amount = queryset.filter(not_arrived).aggregate(amount=Sum(source.amount_field))["amount"]
        held += FLOW_SIGNS[source.flow_field] * int(amount or 0)
    return held


@dataclass(frozen=True)
class AccountBalance:
    account: Account
    balance: int


def account_balances(day: dt.date | None = None) -> list[AccountBalance]:
    """Each account's balance at the end of `day` (now, future records included, if None)."""
    end = None if day is None else day + dt.timedelta(days=1)
    moves = account_movements(end=end)
    return [AccountBalance(account, sum(moves.get(account.pk, {}).values())) for account in Account.objects.all()]


def lowest_account_balances_from(day: dt.date, account_ids: Iterable[int]) -> dict[int, tuple[dt.date, int]]:
    """For each account: its lowest end-of-day balance on `day` or any later date with a movement, and that
    date (see `lowest_balance_from`: a later low point counts too)."""
    moves = account_movements()
    result = {}
    for account_id in account_ids:
        days = moves.get(account_id, {})
        balance = sum(amount for d, amount in days.items() if d < day)
        lowest_day, lowest = day, None
        for d in sorted(d for d in days if d >= day):
            balance += days[d]
            if lowest is None or balance < lowest:
                lowest_day, lowest = d, balance
        lowest = balance if lowest is None else lowest
        result[account_id] = (lowest_day, lowest)
    return result


def account_balance_at(account_id: int, day: dt.date) -> int:
    """One account's balance at the end of `day`."""
    return sum(account_movements(end=day + dt.timedelta(days=1)).get(account_id, {}).values())


def broken_balance_checks(account_ids: Iterable[int] | None = None, since: dt.date | None = None) -> list[BalanceCheck]:
    """The matched checks (bank balance equal to the books' when recorded) that the records no longer prove:
    the account's balance on the check's date now differs from the bank's. Of `account_ids`, dated `since` or
    later (all if None). A fixed number of queries, whatever the number of checks."""
    checks = BalanceCheck.objects.filter(stated_balance=models.F("app_balance")).select_related("account")
    if account_ids is not None:
        checks = checks.filter(account_id__in=list(account_ids))
    if since is not None:
        checks = checks.filter(check_date__gte=since)
    checks_list = list(checks.order_by("check_date", "pk"))
    if not checks_list:
        return []
    moves = account_movements()
    broken = []
    for check in checks_list:
        days = moves.get(check.account_id, {})
        if sum(amount for day, amount in days.items() if day <= check.check_date) != check.stated_balance:
            broken.append(check)
    return broken


def last_balance_checks() -> dict[int, BalanceCheck]:
    """Each account's latest bank check, by account id. One query."""
    latest = BalanceCheck.objects.filter(account=models.OuterRef("account")).order_by("-check_date", "-pk")
    checks = BalanceCheck.objects.filter(pk=models.Subquery(latest.values("pk")[:1]))
    return {check.account_id: check for check in checks}
