"""The yearly report (LPJ, laporan pertanggungjawaban) for the residents' meeting: a calendar year or any term
between two dates. Every figure comes from the books' records through ledger.selectors and one grouped query
per table, so the number of queries does not grow with the months or the records.

Catch-up payments (rapel) are not recorded by the app yet: the report has no line for them until they are.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jimpitan.lib.months import FIRST_YEAR, LAST_YEAR, month_start, next_month
from jimpitan.models import KampungProfile
from ledger import selectors
from ledger.models import MonthClosing
from spending.models import Expense, IncomeSource, OtherIncome, Project, ProjectStatus

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")


class TermError(ValueError):
    """A year or a pair of dates the report cannot be made for; the message says why, for the reader."""


@dataclass(frozen=True)
class Term:
    start: dt.date  # first day
    last: dt.date  # last day, inclusive

    @property
    def end(self) -> dt.date:
        """The day after the term (exclusive bound for queries)."""
        return self.last + dt.timedelta(days=1)

    @property
    def year(self) -> int | None:
        """The calendar year when the term is one, else None."""
        whole = self.start == dt.date(self.start.year, 1, 1) and self.last == dt.date(self.start.year, 12, 31)
        return self.start.year if whole else None

    @property
    def label(self) -> str:
        if self.year is not None:
            return _("Tahun %(year)s") % {"year": self.year}
        return _("Periode %(start)s – %(last)s") % {
            "start": date_format(self.start, "j F Y"),
            "last": date_format(self.last, "j F Y"),
        }

    @property
    def slug(self) -> str:
        return str(self.year) if self.year is not None else f"{self.start:%Y-%m-%d}_{self.last:%Y-%m-%d}"

    def months(self) -> list[dt.date]:
        months, month = [], month_start(self.start)
        while month <= self.last:
            months.append(month)
            month = next_month(month)
        return months


def year_term(year: int) -> Term:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise TermError(_("Tahun harus antara %(first)s dan %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    return Term(dt.date(year, 1, 1), dt.date(year, 12, 31))


def parse_year(value: str | None) -> Term:
    if not _YEAR.fullmatch((value or "").strip()):
        raise TermError(_("Tahun ditulis dengan empat angka, misalnya 2026."))
    return year_term(int(value or ""))


def _parse_day(value: str, what: str) -> dt.date:
    try:
        if not _DAY.fullmatch(value.strip()):
            raise ValueError
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise TermError(_("Tanggal %(what)s ditulis YYYY-MM-DD, misalnya 2026-07-01.") % {"what": what}) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise TermError(_("Tanggal %(what)s di luar tahun yang bisa dicatat.") % {"what": what})
    return day


def parse_term(start: str, last: str) -> Term:
    """A term between two dates (YYYY-MM-DD, both included), at most five years long."""
    term = Term(_parse_day(start, _("awal")), _parse_day(last, _("akhir")))
    if term.last < term.start:
        raise TermError(_("Tanggal akhir tidak boleh sebelum tanggal awal."))
    if (term.last - term.start).days > 5 * 366:
        raise TermError(_("Periode laporan paling panjang lima tahun."))
    return term


@dataclass(frozen=True)
class Line:
    """One row of a table: a label, its amount, and how many records (and receipts) make it."""

    label: str
    amount: int
    count: int = 0
    receipts: int = 0


@dataclass(frozen=True)
class ProgrammeBudget:
    project: Project
    realised_in_term: int
    realised_to_date: int  # every expense of the programme up to the term's last day

    @property
    def budget(self) -> int | None:
        return self.project.budget

    @property
    def percent(self) -> int | None:
        """Share of the budget spent up to the term's end (may exceed 100); None without a budget."""
        return (self.realised_to_date * 100) // self.budget if self.budget else None

    @property
    def remaining(self) -> int | None:
        return self.budget - self.realised_to_date if self.budget else None


@dataclass
class YearReport:
    term: Term
    kampung: KampungProfile | None
    opening: int
    flow: selectors.Flow  # everything in the term
    jimpitan_by_month: list[Line]
    catch_ups_by_month: list[Line]  # catch-ups (rapel) by the month paid, beside the jimpitan of the same months
    other_income_by_kind: list[Line]
    spending_by_programme: list[Line]
    budgets: list[ProgrammeBudget]
    accounts: list[selectors.AccountBalance]
    held: int  # the rounds' money still with the patrol at the term's end (on no account yet)
    open_months: list[dt.date]  # months of the term whose books are not closed

    @property
    def closing(self) -> int:
        return self.opening + self.flow.net

    @property
    def is_provisional(self) -> bool:
        return bool(self.open_months)

    @property
    def expense_count(self) -> int:
        return sum(line.count for line in self.spending_by_programme)

    @property
    def jimpitan_months(self) -> list[tuple[str, int, int]]:
        """(month, jimpitan, catch-ups) per month of the term: the LPJ's jimpitan table."""
        return [
            (line.label, line.amount, catch_ups.amount)
            for line, catch_ups in zip(self.jimpitan_by_month, self.catch_ups_by_month, strict=True)
        ]

    @property
    def receipt_count(self) -> int:
        return sum(line.receipts for line in self.spending_by_programme)

    @property
    def accounts_total(self) -> int:
        return sum(a.balance for a in self.accounts) + self.held


def _by_month(term: Term, days: dict[dt.date, selectors.Flow], figure: str) -> list[Line]:
    """One line per month of the term with the Flow `figure` ("jimpitan", "catch_ups") of its days."""
    totals = dict.fromkeys(term.months(), 0)
    for day, flow in days.items():
        if term.start <= day <= term.last:
            totals[month_start(day)] += getattr(flow, figure)
    return [Line(date_format(month, "F Y"), amount) for month, amount in totals.items()]


def _other_income_by_kind(term: Term) -> list[Line]:
    rows = (
        OtherIncome.objects.filter(received_on__gte=term.start, received_on__lt=term.end)
        .order_by()
        .values("source")
        .annotate(total=Sum("amount"), n=Count("id"))
    )
    by_kind = {row["source"]: row for row in rows}
    return [
        Line(str(kind.label), int(by_kind[kind.value]["total"]), by_kind[kind.value]["n"])
        for kind in IncomeSource
        if kind.value in by_kind
    ]


def _spending_by_programme(term: Term, projects: dict[int, Project]) -> list[Line]:
    rows = (
        Expense.objects.filter(spent_on__gte=term.start, spent_on__lt=term.end)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"), n=Count("id"), receipts=Count("id", filter=~Q(receipt="")))
    )
    by_project = {row["project"]: row for row in rows}
    lines = [
        Line(project.name, int(row["total"]), row["n"], row["receipts"])
        for pk, project in projects.items()
        if (row := by_project.get(pk))
    ]
    if (row := by_project.get(None)) is not None:
        lines.append(Line(_("Operasional (tanpa program)"), int(row["total"]), row["n"], row["receipts"]))
    return lines


def _budgets(term: Term, projects: dict[int, Project]) -> list[ProgrammeBudget]:
    """Each programme spent on in the term or still open (not done), with its spending in the term and to
    the term's end."""
    rows = (
        Expense.objects.filter(spent_on__lt=term.end, project__isnull=False)
        .order_by()
        .values("project")
        .annotate(to_date=Sum("amount"), in_term=Sum("amount", filter=Q(spent_on__gte=term.start)))
    )
    totals = {row["project"]: (int(row["in_term"] or 0), int(row["to_date"] or 0)) for row in rows}
    budgets = []
    for pk, project in projects.items():
        in_term, to_date = totals.get(pk, (0, 0))
        if in_term or project.status != ProjectStatus.DONE:
            budgets.append(ProgrammeBudget(project, in_term, to_date))
    return budgets


def build(term: Term) -> YearReport:
    days = selectors.daily_flows(end=term.end)
    opening = sum((flow.net for day, flow in days.items() if day < term.start), 0)
    flow = selectors.sum_flows(flow for day, flow in days.items() if day >= term.start)
    projects = {project.pk: project for project in Project.objects.all()}
    closed = set(
        MonthClosing.objects.filter(month__gte=month_start(term.start), month__lte=term.last).values_list(
            "month", flat=True
        )
    )
    return YearReport(
        term=term,
        kampung=KampungProfile.load(),
        opening=opening,
        flow=flow,
        jimpitan_by_month=_by_month(term, days, "jimpitan"),
        catch_ups_by_month=_by_month(term, days, "catch_ups"),
        other_income_by_kind=_other_income_by_kind(term),
        spending_by_programme=_spending_by_programme(term, projects),
        budgets=_budgets(term, projects),
        # A retired account that holds nothing is left out (it cannot hold money: see ledger.services).
        accounts=[a for a in selectors.account_balances(term.last) if a.balance or a.account.is_active],
        held=selectors.held_outside_accounts(term.last),
        open_months=[month for month in term.months() if month not in closed],
    )
