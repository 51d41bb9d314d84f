"""Recompute the books from the records and compare them with what was stored.

Exits non-zero, naming the month or record, when a closed month's stored closing balance differs
from the cash book, or a cash source's own check (a round's stored total against its contributions)
finds a stored figure that its detail does not add up to.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from jimpitan.lib.money import format_rupiah
from ledger.models import MonthClosing
from ledger.selectors import cash_book, monthly_flows
from ledger.sources import source_mismatches


def closing_mismatches() -> list[str]:
    closings = list(MonthClosing.objects.order_by("month"))
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


def integrity_problems() -> list[str]:
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        rows = [row[0] for row in cursor.fetchall()]
    return [] if rows == ["ok"] else [f"SQLite integrity_check: {row}" for row in rows]


class Command(BaseCommand):
    help = "Periksa buku kas: saldo bulan yang ditutup, total ronde, dan integritas database."

    def handle(self, *args, **options):
        problems = closing_mismatches() + source_mismatches() + integrity_problems()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} selisih ditemukan.")
        self.stdout.write(self.style.SUCCESS("Buku kas cocok."))
