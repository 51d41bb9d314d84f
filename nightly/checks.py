"""The nightly app's part of `check_ledger`: stored round figures against the contributions."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from nightly.models import ContributionState, Round


def round_total_mismatches() -> list[str]:
    """Rounds whose stored total and counts differ from their contributions (for check_ledger)."""
    # One grouped query over every round that has per-household rows (total-only rounds have none).
    rounds = (
        Round.objects.filter(is_total_only=False)
        .order_by("evening", "rt_id")
        .annotate(
            summed=Sum("contributions__amount"),
            listed=Count("contributions"),
            paid=Count("contributions", filter=~Q(contributions__state=ContributionState.EMPTY)),
        )
        .values_list(
            "id", "evening", "rt__number", "total", "households_listed", "households_paid", "summed", "listed", "paid"
        )
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
