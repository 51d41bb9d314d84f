"""Recompute the books from the records and compare them with what was stored.

Exits non-zero, naming the month or record, when a closed month's stored closing balance differs
from the cash book, a month's seal is no longer given by the books (the first such month), a matched
bank check (cocokkan saldo) is no longer proved by the records, an account balance kept at a closed
month differs from a fresh sum, or a cash source's own check (a round's
stored total against its contributions, a handover's expected total against its rounds)
finds a stored figure that its detail does not add up to.

The books are checked one kampung at a time, each inside its own `activate`, so that every sum is compared
with its own kampung's records; each problem names its kampung. `--kampung <slug>` checks just one.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from jimpitan.lib.money import format_rupiah
from jimpitan.lib.months import previous_month
from jimpitan.management.kampungs import add_kampung_argument, command_kampungs
from jimpitan.tenancy import activate
from ledger.models import MonthClosing, MonthClosingBalance
from ledger.seals import canonical_text, seal_of
from ledger.selectors import account_balance_at, account_movements, broken_balance_checks, cash_book, monthly_flows
from ledger.sources import source_mismatches


def _closings() -> list[MonthClosing]:
    return list(MonthClosing.objects.order_by("month"))  # the active kampung's: the manager is scoped


def closing_mismatches() -> list[str]:
    closings = _closings()
    if not closings:
        return []
    flows = monthly_flows()
    summaries = {s.month: s for s in cash_book(closings[0].month, closings[-1].month, flows)}
    problems = []
    for closing in closings:
        computed = summaries[closing.month].closing
        if computed != closing.closing_balance:
            problems.append(
                f"Bulan {closing.month:%Y-%m}: saldo akhir tersimpan {format_rupiah(closing.closing_balance)}, "
                f"dihitung ulang {format_rupiah(computed)}"
            )
    return problems


def seal_problems() -> list[str]:
    """The first sealed month whose seal the books no longer give: its published text changed, its figures
    changed since it was sealed, or the seal it names as the previous one is not the previous month's."""
    closings = _closings()
    if not closings:
        return []
    summaries = {s.month: s for s in cash_book(closings[0].month, closings[-1].month, monthly_flows())}
    seals = {closing.month: closing.seal for closing in closings}
    for closing in closings:
        if not closing.seal:  # closed before seals existed
            continue
        text = canonical_text(summaries[closing.month], seals.get(previous_month(closing.month), ""))
        if seal_of(closing.sealed_text) != closing.seal or closing.sealed_text != text:
            return [
                f"Segel bulan {closing.month:%Y-%m} tidak cocok lagi dengan buku kas: rantai segel putus mulai "
                "bulan ini"
            ]
    return []


def balance_check_problems() -> list[str]:
    """Every matched bank check is proved again from the records, like a plain-text ledger's balance assertion."""
    problems = []
    for check in broken_balance_checks():
        balance = account_balance_at(check.account_id, check.check_date)
        problems.append(
            f"Cocokkan saldo {check.account.name} {check.check_date:%Y-%m-%d}: "
            f"bank {format_rupiah(check.stated_balance)}, buku kas sekarang {format_rupiah(balance)}"
        )
    return problems


def kept_balance_problems() -> list[str]:
    """Every account balance kept at a closed month (what accounts_now starts from) against a fresh sum of the
    records up to that month's end."""
    kept = list(MonthClosingBalance.objects.select_related("account").order_by("month", "account_id"))
    if not kept:
        return []
    moves = account_movements()
    problems = []
    for row in kept:
        fresh = sum(amount for day, amount in moves.get(row.account_id, {}).items() if day < row.next_month)
        if fresh != row.balance:
            problems.append(
                f"Bulan {row.month:%Y-%m}, akun {row.account.name}: saldo tersimpan {format_rupiah(row.balance)}, "
                f"dihitung ulang {format_rupiah(fresh)}"
            )
    return problems


def integrity_problems() -> list[str]:
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        rows = [row[0] for row in cursor.fetchall()]
    return [] if rows == ["ok"] else [f"SQLite integrity_check: {row}" for row in rows]


def kampung_problems() -> list[str]:
    """The active kampung's problems: its closings, seals, cash sources and bank checks."""
    return (
        closing_mismatches()
        + seal_problems()
        + source_mismatches()
        + balance_check_problems()
        + kept_balance_problems()
    )


class Command(BaseCommand):
    help = "Periksa buku kas tiap kampung: saldo bulan yang ditutup, total ronde, dan integritas database."

    def add_arguments(self, parser) -> None:
        add_kampung_argument(parser, every_by_default=True)

    def handle(self, *args, kampung: str | None, **options):
        problems = []
        for each in command_kampungs(kampung):
            with activate(each.pk):
                problems += [f"Kampung {each.slug}: {problem}" for problem in kampung_problems()]
        problems += integrity_problems()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} selisih ditemukan.")
        self.stdout.write(self.style.SUCCESS("Buku kas cocok."))
