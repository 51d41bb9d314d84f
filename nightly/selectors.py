"""Reads shared by the nightly pages (and the household page). Each runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from households.models import RT, Household, HouseholdStatus
from jimpitan.lib.evening import evening_of, month_start, next_month
from nightly.models import Contribution, ContributionState, Round


def _sheet_households(rt: RT, rnd: Round | None):
    households = Household.objects.filter(rt=rt)
    if rnd is None:
        return households.filter(status=HouseholdStatus.ACTIVE)
    # A subquery, not a join: joining contributions repeats each household once per row in its whole
    # history (five years of rounds made reopening a sheet take 90 s and list every house 1,700 times).
    in_round = Contribution.objects.filter(round=rnd).values("household_id")
    return households.filter(Q(status=HouseholdStatus.ACTIVE) | Q(pk__in=in_round))


def sheet_households(rt: RT, rnd: Round | None) -> list[Household]:
    """The RT's active households in route order; for a saved round also those with a row in it."""
    return list(_sheet_households(rt, rnd).order_by("route_position", "id").only(
        "id", "rt_id", "address", "head_name", "status", "usual_amount", "route_position"
    ))


def sheet_household_ids(rt: RT, rnd: Round | None) -> list[int]:
    """The ids of sheet_households(), in the same order: all a posted sheet needs when it saves."""
    return list(_sheet_households(rt, rnd).order_by("route_position", "id").values_list("id", flat=True))


def round_contributions(rnd: Round | None) -> dict[int, Contribution]:
    if rnd is None:
        return {}
    # order_by(): the model's default order joins the round, its RT and the household, for nothing here.
    return {c.household_id: c for c in Contribution.objects.filter(round=rnd).order_by()}


def month_evenings(month: dt.date, until: dt.date | None = None) -> list[dt.date]:
    """Every evening of `month`, up to `until` (default: this evening)."""
    until = until or evening_of()
    day, end = month_start(month), next_month(month)
    days = []
    while day < end and day <= until:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


@dataclass
class CalendarCell:
    rt: RT
    round: Round | None


@dataclass
class CalendarDay:
    evening: dt.date
    cells: list[CalendarCell]

    @property
    def missing(self) -> int:
        return sum(1 for c in self.cells if c.round is None)


def month_calendar(month: dt.date) -> tuple[list[RT], list[CalendarDay]]:
    """Each evening of the month against each RT: the round (with its stored total) or None."""
    rts = list(RT.objects.all())
    rounds = {(r.evening, r.rt_id): r for r in Round.objects.in_month(month_start(month)).only(
        "id", "rt_id", "evening", "total", "is_total_only", "households_listed", "households_paid"
    )}
    days = [
        CalendarDay(day, [CalendarCell(rt, rounds.get((day, rt.pk))) for rt in rts])
        for day in month_evenings(month)
    ]
    return rts, days


@dataclass
class HouseholdEvening:
    evening: dt.date
    # "paid", "empty", "not_collected" (round held, house not reached) or "no_record" (no per-house record).
    status: str
    contribution: Contribution | None


def household_month(household: Household, month: dt.date) -> dict:
    """Which evenings of `month` the household paid, was empty, or was not collected. Two queries.

    Returns the context that nightly/_household_month.html expects under the name `household_month`.
    """
    start = month_start(month)
    contributions = {c.evening: c for c in Contribution.objects.filter(
        household=household, evening__gte=start, evening__lt=next_month(start)
    )}
    per_house_rounds = set(
        Round.objects.in_month(start).filter(rt_id=household.rt_id, is_total_only=False).values_list("evening", flat=True)
    )
    evenings = []
    counts = {"paid": 0, "empty": 0, "not_collected": 0, "no_record": 0}
    for day in month_evenings(start):
        contribution = contributions.get(day)
        if contribution is not None:
            status = "empty" if contribution.state == ContributionState.EMPTY else "paid"
        elif day in per_house_rounds:
            status = "not_collected"
        else:
            status = "no_record"
        counts[status] += 1
        evenings.append(HouseholdEvening(day, status, contribution))
    return {"household": household, "month": start, "evenings": evenings, "counts": counts}
