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
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from jimpitan.lib.months import month_start, next_month
from jimpitan.models import KampungProfile
from ledger.models import Account, AccountKind, BalanceCheck, MonthClosingBalance, Transfer, default_account_id
from ledger.sources import FLOW_SIGNS, cash_sources


@dataclass(frozen=True)
class Flow:
    """Money that moved in one period (a day or a month)."""

    jimpitan: int = 0
    other_income: int = 0
    expenses: int = 0
    adjustments: int = 0  # signed
    opening_entry: int = 0  # the profile's opening balance, counted on its date
    # Catch-up payments (rapel): jimpitan paid later or ahead, income of the day paid, on a line of its own.
    catch_ups: int = 0

    @property
    def income(self) -> int:
        return self.jimpitan + self.catch_ups + self.other_income

    @property
    def net(self) -> int:
        return self.opening_entry + self.income - self.expenses + self.adjustments

    def __add__(self, other: Flow) -> Flow:
        return Flow(
            self.jimpitan + other.jimpitan,
            self.other_income + other.other_income,
            self.expenses + other.expenses,
            self.adjustments + other.adjustments,
            self.opening_entry + other.opening_entry,
            self.catch_ups + other.catch_ups,
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
    def catch_ups(self) -> int:
        return self.flow.catch_ups

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


def daily_flows(start: dt.date | None = None, end: dt.date | None = None) -> dict[dt.date, Flow]:
    """Every day with any record from `start` to `end` (exclusive), keyed by the day: for terms that do not
    begin or end on a month's first day (the yearly report)."""
    return _collect(by_month=False, start=start, end=end)


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
    moves = {period: flow.net for period, flow in _collect(by_month=False, start=day).items()}
    return lowest_end_of_day(day, balance_at(day - dt.timedelta(days=1)), moves)


def lowest_end_of_day(day: dt.date, before: int, moves: dict[dt.date, int]) -> tuple[dt.date, int]:
    """The lowest end-of-day balance on `day` or a later date in `moves`, and that date, starting from the
    balance `before` the day. `day` itself always counts, also when nothing moved on it: money spent on it
    would be missing that very evening."""
    balance, lowest_day, lowest = before, day, None
    for moved_on in sorted({day, *(d for d in moves if d >= day)}):
        balance += moves.get(moved_on, 0)
        if lowest is None or balance < lowest:
            lowest_day, lowest = moved_on, balance
    assert lowest is not None  # `day` is always in the loop
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
    bounds: dict[str, object] = {}
    if start is not None:
        bounds[f"{date_field}__gte"] = start
    if end is not None:
        bounds[f"{date_field}__lt"] = end
    if bounds and "__" in date_field:
        # A date on a related row (a round's handover) is in the row's own kampung, as a trigger holds. Saying so
        # lets the database read only this kampung's related rows, not every kampung's by date.
        bounds[f"{date_field.rsplit('__', 1)[0]}__kampung"] = models.F("kampung")
    return queryset.filter(**bounds).order_by()


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
        result[account_id] = lowest_end_of_day(day, sum(amount for d, amount in days.items() if d < day), days)
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


def last_balance_checks(until: dt.date | None = None, *, matched_only: bool = False) -> dict[int, BalanceCheck]:
    """Each account's latest bank check (dated `until` or earlier; the latest that matched with `matched_only`),
    by account id. One query."""
    latest = BalanceCheck.objects.filter(account=models.OuterRef("account"))
    if until is not None:
        latest = latest.filter(check_date__lte=until)
    if matched_only:
        latest = latest.filter(stated_balance=models.F("app_balance"))
    latest = latest.order_by("-check_date", "-pk")
    checks = BalanceCheck.objects.filter(pk=models.Subquery(latest.values("pk")[:1]))
    return {check.account_id: check for check in checks}


# --- Where the money is now, and each account's month: for residents and the monthly report -------------

CASH_KINDS = (AccountKind.CASH, AccountKind.BOX)
BANK_KINDS = (AccountKind.BANK, AccountKind.EWALLET)


@dataclass(frozen=True)
class AccountNow:
    account: Account
    balance: int  # every record ever, future-dated ones too (as `current_balance`)
    last_match: dt.date | None  # the latest check that matched the bank's balance


def _per_account_sum(queryset, account_field: str | None, amount_field: str, day_field: str, since):
    """The sum of `queryset` for the outer query's account, of the rows dated `since` or later: a correlated
    subquery, or, for a source with no account column, the whole sum on the default account only."""
    rows = queryset.order_by().filter(**{f"{day_field}__gte": since})
    if account_field is None:
        total = rows.annotate(_all=models.Value(1)).values("_all").annotate(total=Sum(amount_field)).values("total")
        whole = Coalesce(models.Subquery(total, output_field=models.BigIntegerField()), 0)
        return models.Case(models.When(is_default=True, then=whole), default=0, output_field=models.BigIntegerField())
    rows = rows.filter(**{account_field: models.OuterRef("pk")}).values(account_field)
    total = rows.annotate(total=Sum(amount_field)).values("total")
    return Coalesce(models.Subquery(total, output_field=models.BigIntegerField()), 0)


def _kept_since() -> models.Expression:
    """The first day after the latest closed month whose balances are kept (the earliest date if none): one
    uncorrelated subquery, which the database reads once per query."""
    latest = MonthClosingBalance.objects.order_by("-next_month").values("next_month")[:1]
    return Coalesce(models.Subquery(latest), models.Value(dt.date.min), output_field=models.DateField())


def accounts_now(profile: KampungProfile | None) -> list[AccountNow]:
    """Each account's balance now and its latest bank match, in one query whatever the number of accounts and
    records: each figure is a subquery per account. A closed month cannot change, so the sums start from each
    account's balance kept at the latest closed month (MonthClosingBalance, `_kept`) and add only what is dated
    after it (an account opened since has none kept: the closed months' triggers leave it no record in them).
    `profile` is the kampung's (its opening balance is on the default account), passed in so that a page which
    has it spends no second query."""
    since = _kept_since()
    signs: dict[str, int] = {}
    sums: dict[str, models.Expression] = {}
    for index, source in enumerate(cash_sources()):
        signs[f"_source_{index}"] = FLOW_SIGNS[source.flow_field]
        day_field = source.account_date_field or source.date_field
        sums[f"_source_{index}"] = _per_account_sum(
            source.rows(), source.account_field, source.amount_field, day_field, since
        )
    transfers = Transfer.objects.all()
    sums["_transfers_in"] = _per_account_sum(transfers, "to_account", "amount", "transfer_date", since)
    sums["_transfers_out"] = _per_account_sum(transfers, "from_account", "amount", "transfer_date", since)
    signs.update(_transfers_in=1, _transfers_out=-1)
    matched = BalanceCheck.objects.filter(account=models.OuterRef("pk"), stated_balance=models.F("app_balance"))
    last_match = models.Subquery(matched.order_by("-check_date").values("check_date")[:1])
    kept = MonthClosingBalance.objects.filter(account=models.OuterRef("pk"), next_month=since).values("balance")
    accounts = Account.objects.annotate(**sums, _kept=models.Subquery(kept[:1]), _since=since, _last_match=last_match)
    result = []
    for account in accounts:
        kept_balance, kept_since = vars(account)["_kept"], vars(account)["_since"]
        balance = sum(signs[name] * int(getattr(account, name)) for name in signs)
        # The openings dated before the kept month's end are in its kept balance already.
        opened_since = kept_balance is None or (account.opening_date or kept_since) >= kept_since
        balance += int(kept_balance or 0) + (account.opening_balance if account.opening_date and opened_since else 0)
        profile_day = profile.opening_balance_date if profile else None
        if account.is_default and profile_day is not None and (kept_balance is None or profile_day >= kept_since):
            balance += profile.opening_balance  # type: ignore[union-attr]
        result.append(AccountNow(account, balance, vars(account)["_last_match"]))
    return result


def balances_to_keep(month: dt.date) -> dict[int, int]:
    """Every account's balance at the end of `month`, summed from the records (close_month keeps it; check_ledger
    compares the kept ones with it). Openings and transfers included, as in `account_movements`."""
    moves = account_movements(end=next_month(month))
    return {pk: sum(moves.get(pk, {}).values()) for pk in Account.objects.values_list("pk", flat=True)}


@dataclass(frozen=True)
class WhereTheMoneyIs:
    """The balance by kind of account, for residents: no account's name or number."""

    cash: int  # Kas tunai and the cash box or safe
    bank: int  # bank accounts and e-wallets
    has_bank: bool  # a bank or e-wallet account exists
    last_bank_match: dt.date | None  # the latest matched check on a bank or e-wallet account

    @property
    def total(self) -> int:
        return self.cash + self.bank


def where_the_money_is(profile: KampungProfile | None) -> WhereTheMoneyIs:
    """One query (`accounts_now`)."""
    rows = accounts_now(profile)
    bank = [row for row in rows if row.account.kind in BANK_KINDS]
    matches = [row.last_match for row in bank if row.last_match is not None]
    return WhereTheMoneyIs(
        cash=sum(row.balance for row in rows if row.account.kind not in BANK_KINDS),
        bank=sum(row.balance for row in bank),
        has_bank=bool(bank),
        last_bank_match=max(matches, default=None),
    )


@dataclass(frozen=True)
class AccountMonth:
    """One account's month: what it held at the start, what came in and went out as income and spending (the
    balance brought over from the old books and signed adjustments included, by sign), what transfers moved in
    and out (never income or spending), and what it held at the end."""

    account: Account | None  # None: the total row, or the patrol's holding when `held`
    opening: int = 0
    money_in: int = 0
    money_out: int = 0
    transfers_in: int = 0
    transfers_out: int = 0
    # The money not on any account yet (the rounds "di petugas"): it comes in as the rounds are collected and
    # goes to the accounts, as a transfer, when handed over.
    held: bool = False

    @property
    def name(self) -> str:
        if self.account is not None:
            return self.account.name
        return gettext("Di petugas ronda") if self.held else gettext("Total")

    @property
    def closing(self) -> int:
        return self.opening + self.money_in - self.money_out + self.transfers_in - self.transfers_out

    @property
    def net_transfers(self) -> int:
        return self.transfers_in - self.transfers_out

    def __add__(self, other: AccountMonth) -> AccountMonth:
        return AccountMonth(
            None,
            self.opening + other.opening,
            self.money_in + other.money_in,
            self.money_out + other.money_out,
            self.transfers_in + other.transfers_in,
            self.transfers_out + other.transfers_out,
        )


def _month_sums(queryset, date_field: str, amount_field: str, first: dt.date) -> dict[str, Sum]:
    """Before the month, and the month's positive and negative amounts (the queryset ends with the month)."""
    before = Q(**{f"{date_field}__lt": first})
    during = Q(**{f"{date_field}__gte": first})
    return {
        "before": Sum(amount_field, filter=before),
        "positive": Sum(amount_field, filter=during & Q(**{f"{amount_field}__gt": 0})),
        "negative": Sum(amount_field, filter=during & Q(**{f"{amount_field}__lt": 0})),
    }


def _held_month(source, first: dt.date, end: dt.date) -> tuple[AccountMonth, list[tuple[int, int, int]]]:
    """For a source whose money reaches its account later (the rounds): the patrol's row, and (account id,
    before, during) of what reached each account, as transfers from the patrol. Two queries."""
    sign = FLOW_SIGNS[source.flow_field]
    collected = _window(source.rows(), source.date_field, None, end)
    taken = collected.aggregate(**_month_sums(collected, source.date_field, source.amount_field, first))
    arrived = _window(source.rows(), source.account_date_field, None, end)
    sums = _month_sums(arrived, source.account_date_field, source.amount_field, first)
    rows = arrived.values(_account=models.F(source.account_field)).annotate(**sums)
    handed = [(r["_account"], sign * int(r["before"] or 0), sign * int(r["positive"] or 0)) for r in rows]
    held = AccountMonth(
        None,
        opening=sign * int(taken["before"] or 0) - sum(before for _a, before, _d in handed),
        money_in=sign * int((taken["positive"] or 0) + (taken["negative"] or 0)),
        transfers_out=sum(during for _a, _b, during in handed),
        held=True,
    )
    return held, handed


def _source_month_rows(source, first: dt.date, end: dt.date, default_id: int) -> list[tuple[int, int, int, int]]:
    """(account id, before, positive, negative) of one cash source, signed as it moves the balance; one query."""
    sign = FLOW_SIGNS[source.flow_field]
    queryset = _window(source.rows(), source.date_field, None, end)
    sums = _month_sums(queryset, source.date_field, source.amount_field, first)
    if source.account_field is None:
        rows = [{"_account": default_id, **queryset.aggregate(**sums)}]
    else:
        rows = list(queryset.values(_account=models.F(source.account_field)).annotate(**sums))
    signed = []
    for row in rows:
        before, positive, negative = (sign * int(row[key] or 0) for key in ("before", "positive", "negative"))
        signed.append((row["_account"], before, positive if sign > 0 else negative, negative if sign > 0 else positive))
    return signed


def _account_month(account: Account, figures: dict[str, int]) -> AccountMonth:
    return AccountMonth(
        account,
        opening=figures.get("opening", 0),
        money_in=figures.get("money_in", 0),
        money_out=figures.get("money_out", 0),
        transfers_in=figures.get("transfers_in", 0),
        transfers_out=figures.get("transfers_out", 0),
    )


def account_months(month: dt.date, profile: KampungProfile | None) -> list[AccountMonth]:
    """Each account's month (see `AccountMonth`), accounts with nothing in or before the month left out unless
    active. The closings add up to the cash book's closing of the month. A fixed number of queries: the
    accounts, one per cash source and two for transfers, whatever the number of accounts and records."""
    first = month_start(month)
    end = next_month(first)
    accounts = list(Account.objects.all())
    default_id = next((a.pk for a in accounts if a.is_default), None) or default_account_id()
    figures: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    held_rows = []
    for source in cash_sources():
        if source.account_date_field:
            held, handed = _held_month(source, first, end)
            held_rows.append(held)
            for account_id, before, during in handed:
                figures[account_id]["opening"] += before
                figures[account_id]["transfers_in"] += during
            continue
        for account_id, before, money_in, money_out in _source_month_rows(source, first, end, default_id):
            figures[account_id]["opening"] += before
            figures[account_id]["money_in"] += money_in
            figures[account_id]["money_out"] -= money_out
    transfers = _window(Transfer.objects.all(), "transfer_date", None, end)
    for side, key, sign in (("from_account", "transfers_out", -1), ("to_account", "transfers_in", 1)):
        sums = _month_sums(transfers, "transfer_date", "amount", first)
        for row in transfers.values(_account=models.F(side)).annotate(**sums):
            figures[row["_account"]]["opening"] += sign * int(row["before"] or 0)
            figures[row["_account"]][key] += int(row["positive"] or 0)
    openings = [(a.opening_date, a.pk, a.opening_balance) for a in accounts if a.opening_date and a.opening_balance]
    if profile and profile.opening_balance and profile.opening_balance_date:
        openings.append((profile.opening_balance_date, default_id, profile.opening_balance))
    for day, account_id, amount in openings:
        if day < end:
            figures[account_id]["opening" if day < first else "money_in"] += amount
    rows = [(account, _account_month(account, figures.get(account.pk, {}))) for account in accounts]
    shown = [row for account, row in rows if account.is_active or row != AccountMonth(account)]
    return shown + [held for held in held_rows if held != AccountMonth(None, held=True)]


@dataclass(frozen=True)
class KampungCash:
    """A kampung's cash now and its jimpitan of one month: the city overview's money figures."""

    balance: int = 0
    month_jimpitan: int = 0


def cash_by_kampung(kampung_ids: list[int], *, month: dt.date) -> dict[int, KampungCash]:
    """Each kampung's balance (every record ever and its opening balances, as `current_balance`) and its
    jimpitan in `month`. One grouped query per cash source and two for the openings, whatever the number of
    kampungs. Reads across kampungs: run outside any kampung's scope (django-scopes' scopes_disabled)."""
    start, end = month_start(month), next_month(month_start(month))
    balance: dict[int, int] = defaultdict(int)
    jimpitan: dict[int, int] = defaultdict(int)
    for source in cash_sources():
        sign = FLOW_SIGNS[source.flow_field]
        in_month = Q(**{f"{source.date_field}__gte": start, f"{source.date_field}__lt": end})
        rows = (
            source.rows()
            .filter(kampung_id__in=kampung_ids)
            .order_by()
            .values("kampung_id")
            .annotate(all_time=Sum(source.amount_field), in_month=Sum(source.amount_field, filter=in_month))
        )
        for row in rows:
            balance[row["kampung_id"]] += sign * int(row["all_time"] or 0)
            if source.flow_field == "jimpitan":
                jimpitan[row["kampung_id"]] += int(row["in_month"] or 0)
    profiles = KampungProfile.objects.filter(
        kampung_id__in=kampung_ids, opening_balance__gt=0, opening_balance_date__isnull=False
    ).values_list("kampung_id", "opening_balance")
    accounts = (
        Account._base_manager.filter(kampung_id__in=kampung_ids, opening_balance__gt=0, opening_date__isnull=False)
        .order_by()
        .values("kampung_id")
        .annotate(opening=Sum("opening_balance"))
        .values_list("kampung_id", "opening")
    )
    for kampung_id, amount in [*profiles, *accounts]:
        balance[kampung_id] += int(amount)
    return {pk: KampungCash(balance[pk], jimpitan[pk]) for pk in kampung_ids}
