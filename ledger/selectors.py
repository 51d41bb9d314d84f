"""The one module that computes money. Pages, reports, exports and checks all call it.

Cash in: the nightly rounds (jimpitan), other income, positive adjustments, and the opening balance
entered in the kampung profile. Cash out: expenses and negative adjustments. Every figure is computed
from the records; round totals are kept by the transaction that saves a round's contributions and are
verified by `check_ledger`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Sum

from jimpitan.lib.evening import month_start, next_month
from jimpitan.models import KampungProfile


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
    def closing(self) -> int:
        return self.opening + self.flow.net


def _sources():
    # Imported here: ledger must not import the other apps at module load (they import ledger).
    from ledger.models import Adjustment
    from nightly.models import Round
    from spending.models import Expense, OtherIncome

    return (
        ("jimpitan", Round.objects.all(), "evening", "total"),
        ("other_income", OtherIncome.objects.all(), "received_on", "amount"),
        ("expenses", Expense.objects.all(), "spent_on", "amount"),
        ("adjustments", Adjustment.objects.all(), "entry_date", "amount"),
    )


def _collect(by_month: bool, start: dt.date | None = None, end: dt.date | None = None) -> dict[dt.date, Flow]:
    """Flows grouped by day or by month, one aggregate query per source. `end` is exclusive."""
    totals: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for name, queryset, date_field, amount_field in _sources():
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
    profile = KampungProfile.load()
    if profile and profile.opening_balance and profile.opening_balance_date:
        day = profile.opening_balance_date
        period = month_start(day) if by_month else day
        if (start is None or day >= start) and (end is None or day < end):
            totals[period]["opening_entry"] = profile.opening_balance
    return {period: Flow(**values) for period, values in totals.items()}


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


# --- Pages of the public ledger -------------------------------------------------------------------
# Every function below runs a fixed number of queries whatever the number of households or years:
# money comes from the stored Round.total and from aggregates, never from a loop over records.


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
        summaries.append(
            YearSummary(year, months[0].opening, sum_flows(m.flow for m in months), months[-1].closing)
        )
    return list(reversed(summaries))


def year_months(year: int, flows: dict[dt.date, Flow] | None = None) -> list[MonthSummary]:
    return cash_book(dt.date(year, 1, 1), dt.date(year, 12, 1), flows)


@dataclass(frozen=True)
class EveningTotals:
    evening: dt.date
    per_rt: tuple[tuple[object, int | None], ...]  # (RT, total) in the order of `rts`; None = no round
    total: int


def evenings_in_month(month: dt.date) -> tuple[list, list[EveningTotals]]:
    """The RTs that have rounds this month and each evening's round totals per RT, newest first.

    Two queries: the month's rounds (stored totals only) and their RTs.
    """
    from households.models import RT
    from nightly.models import Round

    rows = list(Round.objects.in_month(month_start(month)).order_by().values_list("evening", "rt_id", "total"))
    rts = list(RT.objects.filter(id__in={rt_id for _, rt_id, _ in rows}).order_by("display_order", "number"))
    by_evening: dict[dt.date, dict[int, int]] = defaultdict(dict)
    for evening, rt_id, total in rows:
        by_evening[evening][rt_id] = total
    evenings = [
        EveningTotals(evening, tuple((rt, totals.get(rt.id)) for rt in rts), sum(totals.values()))
        for evening, totals in sorted(by_evening.items(), reverse=True)
    ]
    return rts, evenings


@dataclass(frozen=True)
class Participation:
    evening: dt.date
    listed: int
    paid: int
    total_only_rounds: int  # rounds of this evening left out: they have no per-household rows

    @property
    def percent(self) -> int | None:
        return round(100 * self.paid / self.listed) if self.listed else None


def participation(start: dt.date, end: dt.date) -> list[Participation]:
    """Households paid / listed per evening from `start` to `end` (exclusive), oldest first.

    Total-only rounds say nothing about single households, so they are left out and counted apart.
    One query.
    """
    from django.db.models import Count, Q

    from nightly.models import Round

    rows = (
        Round.objects.filter(evening__gte=start, evening__lt=end)
        .order_by()
        .values("evening")
        .annotate(
            listed=Sum("households_listed", filter=Q(is_total_only=False)),
            paid=Sum("households_paid", filter=Q(is_total_only=False)),
            total_only=Count("id", filter=Q(is_total_only=True)),
        )
        .order_by("evening")
    )
    return [
        Participation(row["evening"], int(row["listed"] or 0), int(row["paid"] or 0), row["total_only"])
        for row in rows
    ]


def recent_expenses(limit: int = 10):
    """The latest expenses with their project (one query)."""
    from spending.models import Expense

    return list(Expense.objects.select_related("project").order_by("-spent_on", "-id")[:limit])


@dataclass(frozen=True)
class ProjectProgress:
    project: object
    spent: int
    earmarked_income: int

    @property
    def budget(self) -> int | None:
        return self.project.budget

    @property
    def percent(self) -> int | None:
        """Share of the budget spent, capped at 100 for the bar; None without a budget."""
        if not self.budget:
            return None
        return min(100, round(100 * self.spent / self.budget))

    @property
    def over_budget(self) -> bool:
        return bool(self.budget) and self.spent > self.budget


def project_progress(project_id: int | None = None) -> list[ProjectProgress]:
    """Every project (or one) with what was spent on it and the income given for it. Three queries."""
    from spending.models import Expense, OtherIncome, Project

    projects = Project.objects.all()
    expenses = Expense.objects.exclude(project=None)
    incomes = OtherIncome.objects.exclude(project=None)
    if project_id is not None:
        projects = projects.filter(pk=project_id)
        expenses = expenses.filter(project_id=project_id)
        incomes = incomes.filter(project_id=project_id)
    spent = dict(expenses.order_by().values("project").annotate(s=Sum("amount")).values_list("project", "s"))
    earmarked = dict(incomes.order_by().values("project").annotate(s=Sum("amount")).values_list("project", "s"))
    return [ProjectProgress(p, int(spent.get(p.pk) or 0), int(earmarked.get(p.pk) or 0)) for p in projects]


def project_expenses(project_id: int):
    from spending.models import Expense

    return list(Expense.objects.filter(project_id=project_id).order_by("-spent_on", "-id"))


# --- One household's own record ---------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdEvening:
    evening: dt.date
    state: str  # a ContributionState value, "not_collected" (round without this house) or "no_round"
    amount: int


def household_year_rows(household, year: int) -> list[tuple[dt.date, str, int]]:
    """(evening, state, amount) of each of the household's contributions in `year`: one query.

    Both halves of the household's page are built from these rows, which is cheaper than grouping by
    month in SQL (SQLite truncates dates in a Python function, row by row).
    """
    from nightly.models import Contribution

    first, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return list(
        Contribution.objects.filter(household=household, evening__gte=first, evening__lt=end)
        .order_by()
        .values_list("evening", "state", "amount")
    )


def household_month(
    household, month: dt.date, today: dt.date, year_rows: list[tuple[dt.date, str, int]] | None = None
) -> list[HouseholdEvening]:
    """Each evening of `month` up to `today`: what the household gave. Two queries (one with `year_rows`,
    the household_year_rows of the month's year)."""
    from nightly.models import Round

    first, end = month_start(month), next_month(month)
    if year_rows is None:
        year_rows = household_year_rows(household, first.year)
    contributions = {evening: (state, amount) for evening, state, amount in year_rows if first <= evening < end}
    round_evenings = set(
        Round.objects.filter(rt_id=household.rt_id, evening__gte=first, evening__lt=end).values_list(
            "evening", flat=True
        )
    )
    days = []
    day = first
    while day < end and day <= today:
        if day in contributions:
            state, amount = contributions[day]
            days.append(HouseholdEvening(day, state, amount))
        elif day in round_evenings:
            days.append(HouseholdEvening(day, "not_collected", 0))
        else:
            days.append(HouseholdEvening(day, "no_round", 0))
        day += dt.timedelta(days=1)
    return list(reversed(days))


@dataclass(frozen=True)
class HouseholdMonthTotal:
    month: dt.date
    amount: int
    evenings_paid: int
    evenings_empty: int


def household_year(
    household, year: int, year_rows: list[tuple[dt.date, str, int]] | None = None
) -> list[HouseholdMonthTotal]:
    """The household's contributions per month of `year`, months without any left out (one query, none
    with `year_rows`)."""
    from nightly.models import ContributionState

    if year_rows is None:
        year_rows = household_year_rows(household, year)
    totals: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for evening, state, amount in year_rows:
        month = evening.replace(day=1)
        totals[month][0] += amount
        totals[month][2 if state == ContributionState.EMPTY else 1] += 1
    return [HouseholdMonthTotal(m, amount, paid, empty) for m, (amount, paid, empty) in sorted(totals.items())]
