"""One month's report data, built on the apps' selectors (no money summed here apart from display rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jimpitan.lib.months import month_start, next_month
from jimpitan.models import KampungProfile
from ledger import selectors
from ledger.models import Adjustment, MonthClosing
from nightly import selectors as nightly_selectors
from nightly.models import CatchUp, Handover
from spending import selectors as spending_selectors
from spending.models import Expense, OtherIncome


@dataclass(frozen=True)
class CashLine:
    day: dt.date
    kind: str
    description: str
    amount_in: int
    amount_out: int
    balance: int
    number: str = ""  # the document's transaction number; jimpitan evenings have none


@dataclass
class MonthReport:
    month: dt.date
    kampung: KampungProfile | None
    summary: selectors.MonthSummary
    closing: MonthClosing | None
    rts: list
    evenings: list  # EveningTotals, oldest first
    participation: list  # Participation, oldest first
    expenses: list
    incomes: list
    adjustments: list
    handover_differences: list  # nightly.Handover with a shortfall or surplus, received this month
    projects: list
    recent_months: list = field(default_factory=list)  # MonthSummary, oldest first, up to this month
    accounts: list = field(default_factory=list)  # AccountMonth per account; their closings add up to the month's
    catch_ups: list = field(default_factory=list)  # nightly CatchUpSummary of the catch-ups paid this month

    @property
    def accounts_total(self) -> selectors.AccountMonth:
        """The per-account table's total row: its closing is the cash book's closing for the month."""
        return sum(self.accounts, selectors.AccountMonth(None))

    @property
    def is_provisional(self) -> bool:
        return self.closing is None

    @property
    def end(self) -> dt.date:
        return next_month(self.month)

    @property
    def participation_rate(self) -> int | None:
        listed = sum(p.listed for p in self.participation)
        paid = sum(p.paid for p in self.participation)
        return round(100 * paid / listed) if listed else None

    @property
    def rt_totals(self) -> list[tuple[object, int]]:
        return [(rt, sum(e.per_rt[i][1] or 0 for e in self.evenings)) for i, rt in enumerate(self.rts)]


def build(month: dt.date) -> MonthReport:
    first = month_start(month)
    flows = selectors.monthly_flows()
    rts, evenings = nightly_selectors.evenings_in_month(first)
    recent = selectors.last_months(first, 12, flows)
    kampung = KampungProfile.load()
    return MonthReport(
        month=first,
        kampung=kampung,
        summary=selectors.cash_book(first, first, flows)[0],
        closing=MonthClosing.objects.filter(month=first).select_related("closed_by").first(),
        rts=rts,
        evenings=list(reversed(evenings)),
        participation=nightly_selectors.participation(first, next_month(first)),
        expenses=list(Expense.objects.in_month(first).select_related("project").order_by("spent_on", "id")),
        incomes=list(OtherIncome.objects.in_month(first).select_related("project").order_by("received_on", "id")),
        adjustments=list(Adjustment.objects.in_month(first).order_by("entry_date", "id")),
        handover_differences=list(Handover.objects.in_month(first).exclude(difference=0).order_by("received_on", "id")),
        projects=spending_selectors.project_progress(),
        recent_months=list(reversed(recent)),
        accounts=selectors.account_months(first, kampung),
        catch_ups=list(reversed(nightly_selectors.catch_up_summaries(CatchUp.objects.in_month(first), limit=10_000))),
    )


def cash_lines(report: MonthReport) -> list[CashLine]:
    """The month's cash-book lines in date order with the running balance; the last balance is the
    cash book's closing balance (asserted by the tests)."""
    # (day, order, kind, description, signed amount, number)
    entries: list[tuple[dt.date, int, str, str, int, str]] = []
    profile = report.kampung
    if report.summary.brought_over and profile:
        entries.append(
            (
                profile.opening_balance_date,
                0,
                _("Saldo dari buku lama"),
                _("Saldo yang dibawa dari buku kas lama (profil kampung)"),
                report.summary.brought_over,
                "",
            )
        )
    for evening in report.evenings:
        entries.append((evening.evening, 1, _("Jimpitan"), _("Jimpitan malam"), evening.total, ""))
    for catch_up in report.catch_ups:
        # What it paid for, never who: the cash book goes on the notice board.
        paid = catch_up.catch_up
        entries.append((paid.paid_on, 1, _("Rapel jimpitan"), catch_up.description, paid.amount, paid.reference))
    for income in report.incomes:
        entries.append(
            (income.received_on, 2, _("Pemasukan lain"), income.description, income.amount, income.reference)
        )
    for expense in report.expenses:
        kind = _("Pengeluaran")
        entries.append((expense.spent_on, 3, kind, expense.description, -expense.amount, expense.reference))
    for adjustment in report.adjustments:
        text = _("Koreksi bulan %(month)s: %(reason)s") % {
            "month": adjustment.corrects_month.strftime("%Y-%m"),
            "reason": adjustment.reason,
        }
        entries.append((adjustment.entry_date, 4, _("Koreksi"), text, adjustment.amount, adjustment.reference))
    for handover in report.handover_differences:
        # No name: the report goes on the notice board, and the explanation says what happened.
        text = _("Selisih setoran: %(explanation)s") % {"explanation": handover.explanation}
        entries.append((handover.received_on, 4, _("Koreksi"), text, handover.difference, handover.reference))
    balance = report.summary.opening
    lines = []
    for day, _order, kind, description, amount, number in sorted(entries, key=lambda e: (e[0], e[1])):
        balance += amount
        lines.append(CashLine(day, kind, description, max(amount, 0), max(-amount, 0), balance, number))
    return lines
