"""Recompute the books from the records and compare them with what was stored.

Exits non-zero, naming the month or round, when a closed month's stored closing balance differs
from the cash book, or a round's stored total/counts differ from its contributions.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q, Sum

from jimpitan.lib.money import format_rupiah
from ledger.models import MonthClosing
from ledger.selectors import cash_book, monthly_flows


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


def round_mismatches() -> list[str]:
    from nightly.models import ContributionState, Round

    # One grouped query over every round that has per-household rows (total-only rounds have none).
    rounds = (
        Round.objects.filter(is_total_only=False)
        .order_by("evening", "rt_id")
        .annotate(
            summed=Sum("contributions__amount"),
            listed=Count("contributions"),
            paid=Count("contributions", filter=~Q(contributions__state=ContributionState.EMPTY)),
        )
        .values_list("id", "evening", "rt__number", "total", "households_listed", "households_paid",
                     "summed", "listed", "paid")
    )
    problems = []
    for pk, evening, rt, total, listed, paid, summed, counted_listed, counted_paid in rounds:
        summed = int(summed or 0)
        # Listed also counts houses on the sheet the patrol did not reach (no row), so it is a lower bound.
        if total != summed or paid != counted_paid or listed < counted_listed:
            problems.append(
                f"Ronde #{pk} RT {rt} malam {evening:%Y-%m-%d}: tersimpan total {total}, {paid}/{listed} rumah; "
                f"dari setoran total {summed}, {counted_paid}/{counted_listed} rumah"
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
        problems = closing_mismatches() + round_mismatches() + integrity_problems()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} selisih ditemukan.")
        self.stdout.write(self.style.SUCCESS("Buku kas cocok."))
