"""The nightly app's part of `check_ledger`: stored round figures against the contributions, within the active
kampung: the managers are scoped, and check_ledger activates each kampung in turn."""

from __future__ import annotations

from django.db.models import Count, Max, Q, Sum

from nightly.models import CatchUp, ContributionState, Handover, Round


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


def handover_mismatches() -> list[str]:
    """Handovers whose stored expected total differs from the sum of their rounds, whose rounds are later than
    the day received, or that cover no round at all (for check_ledger). One grouped query."""
    handovers = (
        Handover.objects.order_by("received_on", "pk")
        .annotate(summed=Sum("rounds__total"), rounds_count=Count("rounds"), last_evening=Max("rounds__evening"))
        .values_list("id", "received_on", "expected", "summed", "rounds_count", "last_evening")
    )
    problems = []
    for pk, received_on, expected, summed, rounds_count, last_evening in handovers:
        summed = int(summed or 0)
        if expected != summed or not rounds_count:
            problems.append(
                f"Setoran #{pk} tanggal {received_on:%Y-%m-%d}: tersimpan total ronde {expected}; "
                f"dari {rounds_count} ronde {summed}"
            )
        elif last_evening > received_on:
            problems.append(
                f"Setoran #{pk} tanggal {received_on:%Y-%m-%d} mencakup ronde malam {last_evening:%Y-%m-%d}, "
                "yang lebih akhir"
            )
    return problems


def catch_up_mismatches() -> list[str]:
    """Catch-ups that pay for no evening (for check_ledger): money without the evenings it is for. One query."""
    empty = CatchUp.objects.filter(evenings__isnull=True).order_by("paid_on", "pk").values_list("pk", "paid_on")
    return [f"Rapel #{pk} tanggal {paid_on:%Y-%m-%d} tidak mencakup satu malam pun" for pk, paid_on in empty]
