"""Reads of the nightly rounds, shared by the treasurer's pages, the public pages and the reports.

Each runs a fixed number of queries whatever the number of households or years: money comes from the
stored Round.total and from aggregates, never from a loop over records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from households.models import RT, AwayPeriod, AwayReason, Household, HouseholdStatus
from jimpitan.lib.dates import long_date
from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import month_start, next_month
from jimpitan.lib.pasaran import pasaran_index, pasaran_of, weekday_name
from jimpitan.lib.people import display_name
from nightly.models import (
    CatchUp,
    CatchUpEvening,
    Contribution,
    ContributionState,
    Handover,
    RosterAssignment,
    RosterKind,
    RosterSwap,
    Round,
    SwapStatus,
)


def _away_on(evening: dt.date) -> Exists:
    """An away period of the outer household covering `evening`."""
    return Exists(AwayPeriod.objects.on(evening).filter(household_id=OuterRef("pk")))


def _away_on_row() -> Exists:
    """An away period of the outer contribution's household covering its evening."""
    return Exists(
        AwayPeriod.objects.filter(
            household_id=OuterRef("household_id"), starts_on__lte=OuterRef("evening"), ends_on__gte=OuterRef("evening")
        )
    )


def _sheet_households(rt: RT, rnd: Round | None):
    households = Household.objects.filter(rt=rt)
    if rnd is None:
        return households.filter(status=HouseholdStatus.ACTIVE)
    # A subquery, not a join: joining contributions repeats each household once per row in its whole
    # history (five years of rounds made reopening a sheet take 90 s and list every house 1,700 times).
    in_round = Contribution.objects.filter(round=rnd).values("household_id")
    return households.filter(Q(status=HouseholdStatus.ACTIVE) | Q(pk__in=in_round))


def sheet_households(rt: RT, rnd: Round | None, *, evening: dt.date) -> list[Household]:
    """The RT's active households in route order; for a saved round also those with a row in it. Each carries
    `away_reason`: the reason of an away period covering the evening, or None (in the same query)."""
    reason = AwayPeriod.objects.on(evening).filter(household_id=OuterRef("pk")).order_by().values("reason")[:1]
    return list(
        _sheet_households(rt, rnd)
        .order_by("route_position", "id")
        .only("id", "rt_id", "address", "head_name", "status", "usual_amount", "route_position")
        .annotate(away_reason=Subquery(reason))
    )


def sheet_household_ids(rt: RT, rnd: Round | None, *, evening: dt.date) -> list[int]:
    """The ids a posted sheet saves, in the order of sheet_households(): an away household without a row in
    the round is not on it, so the save neither records it nor counts it among the listed houses."""
    households = _sheet_households(rt, rnd)
    if rnd is None:
        households = households.exclude(_away_on(evening))
    else:
        in_round = Contribution.objects.filter(round=rnd).values("household_id")
        households = households.exclude(_away_on(evening) & ~Q(pk__in=in_round))
    return list(households.order_by("route_position", "id").values_list("id", flat=True))


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
    rounds = {
        (r.evening, r.rt_id): r
        for r in Round.objects.in_month(month_start(month)).only(
            "id", "rt_id", "evening", "total", "is_total_only", "households_listed", "households_paid"
        )
    }
    days = [
        CalendarDay(day, [CalendarCell(rt, rounds.get((day, rt.pk))) for rt in rts]) for day in month_evenings(month)
    ]
    return rts, days


# --- Evenings of the whole kampung ------------------------------------------------------------------


@dataclass(frozen=True)
class EveningTotals:
    evening: dt.date
    per_rt: tuple[tuple[RT, int | None], ...]  # (RT, total) in the order of `rts`; None = no round
    total: int


def evenings_in_month(month: dt.date) -> tuple[list[RT], list[EveningTotals]]:
    """The RTs that have rounds this month and each evening's round totals per RT, newest first.

    Two queries: the month's rounds (stored totals only) and their RTs.
    """
    rows = list(Round.objects.in_month(month_start(month)).order_by().values_list("evening", "rt_id", "total"))
    rts = list(RT.objects.filter(id__in={rt_id for _, rt_id, _ in rows}).order_by("display_order", "number"))
    by_evening: dict[dt.date, dict[int, int]] = defaultdict(dict)
    for evening, rt_id, total in rows:
        by_evening[evening][rt_id] = total
    return rts, [
        EveningTotals(evening, tuple((rt, totals.get(rt.id)) for rt in rts), sum(totals.values()))
        for evening, totals in sorted(by_evening.items(), reverse=True)
    ]


@dataclass(frozen=True)
class Participation:
    evening: dt.date
    listed: int
    paid: int
    total_only_rounds: int  # rounds of this evening left out: they have no per-household rows

    @property
    def percent(self) -> int | None:
        return round(100 * self.paid / self.listed) if self.listed else None


def _participation_totals() -> dict:
    """The participation rule, shared by the per-evening and per-kampung figures: households paid over
    households listed, of rounds kept per household; total-only rounds are counted apart."""
    return {
        "listed": Sum("households_listed", filter=Q(is_total_only=False)),
        "paid": Sum("households_paid", filter=Q(is_total_only=False)),
        "total_only": Count("id", filter=Q(is_total_only=True)),
    }


def participation(start: dt.date, end: dt.date) -> list[Participation]:
    """Households paid / listed per evening from `start` to `end` (exclusive), oldest first. One query.

    Total-only rounds say nothing about single households, so they are left out and counted apart.
    """
    rows = (
        Round.objects.between(start, end)
        .order_by()
        .values("evening")
        .annotate(**_participation_totals())
        .order_by("evening")
    )
    return [
        Participation(row["evening"], int(row["listed"] or 0), int(row["paid"] or 0), row["total_only"]) for row in rows
    ]


def participation_by_kampung(start: dt.date, end: dt.date, kampung_ids: list[int]) -> dict[int, Participation]:
    """Each kampung's participation over `start` to `end` (exclusive), as one Participation dated `start`:
    the city overview's figure, by the same rule as the public page's. One query, whatever the kampungs.
    Outside any kampung's scope: the caller names the kampungs."""
    rows = (
        Round._base_manager.filter(kampung_id__in=kampung_ids, evening__gte=start, evening__lt=end)
        .order_by()
        .values("kampung_id")
        .annotate(**_participation_totals())
    )
    return {
        row["kampung_id"]: Participation(start, int(row["listed"] or 0), int(row["paid"] or 0), row["total_only"])
        for row in rows
    }


# --- Catch-up payments (rapel) and paying ahead -------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    """A catch-up payment's hold on one evening of one household."""

    catch_up_id: int
    paid_on: dt.date

    def is_ahead(self, evening: dt.date) -> bool:
        """Paid before the evening came (dibayar di muka), rather than caught up after it (dirapel)."""
        return self.paid_on <= evening


def covered_evenings(
    *, household_ids=None, start: dt.date | None = None, end: dt.date | None = None, evenings=None
) -> dict[tuple[int, dt.date], Cover]:
    """{(household id, evening): Cover} of the evenings paid by catch-ups, narrowed to `household_ids`, to
    `start` <= evening < `end` and to `evenings` where given. One query."""
    rows = CatchUpEvening.objects.order_by()
    if household_ids is not None:
        rows = rows.filter(household_id__in=household_ids)
    if start is not None:
        rows = rows.filter(evening__gte=start)
    if end is not None:
        rows = rows.filter(evening__lt=end)
    if evenings is not None:
        rows = rows.filter(evening__in=evenings)
    return {
        (household_id, evening): Cover(catch_up_id, paid_on)
        for household_id, evening, catch_up_id, paid_on in rows.values_list(
            "household_id", "evening", "catch_up_id", "catch_up__paid_on"
        )
    }


def excluded_evenings(
    *, start: dt.date | None = None, end: dt.date | None = None, household_ids=None
) -> set[tuple[int, dt.date]]:
    """The (household id, evening) pairs never counted against a household, whatever happened that evening:
    those paid by a catch-up (later or ahead). The arrears and the meeting recap subtract exactly this set, in
    `subtract_excluded`. Away evenings are left out before (`missed_evenings`): they are not expected at all.
    One query."""
    return set(covered_evenings(household_ids=household_ids, start=start, end=end))


@dataclass(frozen=True)
class CatchUpSummary:
    """A catch-up as lists, the household page and a receipt show it: what it paid for, in one line."""

    catch_up: CatchUp
    evenings: int
    first: dt.date
    last: dt.date

    @property
    def description(self) -> str:
        """'Rapel jimpitan 5 malam (3 Maret 2026 – 7 Maret 2026)', 'dibayar di muka' when all are to come."""
        ahead = self.first >= self.catch_up.paid_on
        text = (
            ngettext("Jimpitan dibayar di muka %(n)d malam", "Jimpitan dibayar di muka %(n)d malam", self.evenings)
            if ahead
            else ngettext("Rapel jimpitan %(n)d malam", "Rapel jimpitan %(n)d malam", self.evenings)
        ) % {"n": self.evenings}
        span = long_date(self.first) if self.first == self.last else f"{long_date(self.first)} – {long_date(self.last)}"
        return f"{text} ({span})"


def catch_up_summaries(catch_ups=None, *, household: Household | None = None, limit: int = 200) -> list[CatchUpSummary]:
    """The catch-ups (newest first), each with its evenings counted and spanned. One query."""
    rows = CatchUp.objects.all() if catch_ups is None else catch_ups
    if household is not None:
        rows = rows.filter(household=household)
    rows = (
        rows.select_related("household__rt", "account")
        .annotate(n=Count("evenings"), first=Min("evenings__evening"), last=Max("evenings__evening"))
        .order_by("-paid_on", "-id")
    )
    return [CatchUpSummary(c, c.n, c.first or c.paid_on, c.last or c.paid_on) for c in rows[:limit]]


def catch_up_choices(household: Household, *, today: dt.date, months: int = 3) -> list[dt.date]:
    """The household's evenings of the last `months` months (this one included) that a catch-up may pay: empty
    or not collected, and not paid yet; newest first. Four queries a month, whatever the history."""
    month = month_start(today)
    evenings: list[dt.date] = []
    for _n in range(months):
        evenings += [e.evening for e in household_month(household, month, until=today) if e.status.missed]
        month = month_start(month - dt.timedelta(days=1))
    return evenings


# --- One household's evenings -------------------------------------------------------------------------


class EveningStatus(models.TextChoices):
    """What one household's evening was. The one rule behind the register, the treasurer's pages, the
    household's own QR page and the meeting recap."""

    PAID = "paid", _("Ada")
    LEFT_WITH_NEIGHBOUR = "left_with_neighbour", _("Titip")
    EMPTY = "empty", _("Kosong")
    # The RT's patrol recorded this evening house by house, and this house has no row: not reached.
    NOT_COLLECTED = "not_collected", _("Tidak diambil")
    # The RT recorded only the evening's total: nothing is known of single houses.
    NO_HOUSE_RECORD = "no_house_record", _("Tidak ada catatan per rumah")
    NO_ROUND = "no_round", _("Tidak ada ronda")
    # Paid by a catch-up payment: later than the evening (rapel), or before it (paying ahead).
    CAUGHT_UP = "caught_up", _("Dirapel")
    PAID_AHEAD = "paid_ahead", _("Dibayar di muka")
    # An away period covers the evening and nothing was given: neither empty nor missed.
    AWAY = "away", _("Mudik")

    @classmethod
    def of(
        cls,
        state: str | None,
        round_kind: str | None,
        cover: Cover | None = None,
        evening: dt.date | None = None,
        *,
        away: bool = False,
    ) -> EveningStatus:
        """`state`: the household's contribution state, None without a row; `round_kind`: "houses" when
        the RT's round that evening has per-household rows, "total" for a total-only round, None for none;
        `cover`: the catch-up paying `evening`, if any (a paid contribution never shares an evening with one);
        `away`: an away period covers the evening. Money tells first: given, then paid by a catch-up (a family
        may pay ahead before going home), then away."""
        if not ContributionState.counts_as_paid(state or ""):
            if cover is not None and evening is not None:
                return cls.PAID_AHEAD if cover.is_ahead(evening) else cls.CAUGHT_UP
            if away:
                return cls.AWAY
        if state is not None:
            return {
                ContributionState.PAID: cls.PAID,
                ContributionState.LEFT_WITH_NEIGHBOUR: cls.LEFT_WITH_NEIGHBOUR,
                ContributionState.EMPTY: cls.EMPTY,
            }[ContributionState(state)]
        if round_kind == ROUND_HOUSES:
            return cls.NOT_COLLECTED
        if round_kind == ROUND_TOTAL_ONLY:
            return cls.NO_HOUSE_RECORD
        return cls.NO_ROUND

    @property
    def gave(self) -> bool:
        return self in (EveningStatus.PAID, EveningStatus.LEFT_WITH_NEIGHBOUR)

    @property
    def covered(self) -> bool:
        """Paid by a catch-up payment, later or ahead."""
        return self in (EveningStatus.CAUGHT_UP, EveningStatus.PAID_AHEAD)

    @property
    def has_row(self) -> bool:
        """The household has a contribution that evening (with an amount, 0 when empty)."""
        return self.gave or self is EveningStatus.EMPTY

    @property
    def missed(self) -> bool:
        """Counted against the household: an empty container or a house the patrol did not reach."""
        return self in (EveningStatus.EMPTY, EveningStatus.NOT_COLLECTED)

    @property
    def mark(self) -> str:
        """A sign beside the word, so that colour is never the only signal."""
        return "✓" if self.gave or self.covered else "✗" if self is EveningStatus.EMPTY else ""

    @property
    def tone(self) -> str:
        return (
            "text-success-emphasis"
            if self.gave or self.covered
            else ("text-danger-emphasis" if self is EveningStatus.EMPTY else "text-body-secondary")
        )


ROUND_HOUSES, ROUND_TOTAL_ONLY = "houses", "total"


@dataclass(frozen=True)
class HouseholdEvening:
    evening: dt.date
    status: EveningStatus
    amount: int
    away_reason: str = ""  # the AwayReason value when away
    # The day a catch-up paid this evening (later or ahead); None when none did.
    paid_on: dt.date | None = None

    @property
    def label(self) -> str:
        """The word shown: the away reason ("Mudik", "Sakit"…) on an away evening, else the status."""
        if self.status is EveningStatus.AWAY and self.away_reason:
            return str(AwayReason(self.away_reason).label)
        return str(self.status.label)


YearRows = list[tuple[dt.date, str, int]]


def household_year_rows(household: Household, year: int) -> YearRows:
    """(evening, state, amount) of each of the household's contributions in `year`: one query.

    A household page builds its month and its year from these rows, which is cheaper than grouping by
    month in SQL (SQLite truncates dates in a Python function, row by row).
    """
    return list(
        Contribution.objects.filter(household=household)
        .between(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        .order_by()
        .values_list("evening", "state", "amount")
    )


def household_month_range(household: Household, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last month the household's own page shows: from when it joined (or its first
    contribution, or this month) to the month it moved away (or this month). A household that moved on an
    unknown date ends with its last recorded evening instead. At most one query."""
    last = month_start(today)
    if household.moved_on is not None:
        last = min(last, month_start(household.moved_on))
    start = household.joined_on
    undated_move = household.has_moved and household.moved_on is None
    if start is None or undated_move:
        span = Contribution.objects.filter(household=household).aggregate(
            first=models.Min("evening"), last=models.Max("evening")
        )
        start = start or span["first"]
        if undated_move:
            last = min(last, month_start(span["last"] or start or today))
    first = month_start(start) if start is not None else last
    return min(first, last), last


def household_month(
    household: Household, month: dt.date, *, until: dt.date | None = None, year_rows: YearRows | None = None
) -> list[HouseholdEvening]:
    """Each evening of `month` up to `until` (default: this evening), newest first, with its status.

    Four queries: the year's rows, the month's rounds, the away periods and the catch-ups touching the month;
    three with `year_rows` (the household_year_rows of the month's year).
    """
    first = month_start(month)
    if year_rows is None:
        year_rows = household_year_rows(household, first.year)
    end = next_month(first)
    given = {evening: (state, amount) for evening, state, amount in year_rows if first <= evening < end}
    rounds = {
        evening: ROUND_TOTAL_ONLY if total_only else ROUND_HOUSES
        for evening, total_only in Round.objects.in_month(first)
        .filter(rt_id=household.rt_id)
        .order_by()
        .values_list("evening", "is_total_only")
    }
    days = month_evenings(first, until)
    away = AwayPeriod.objects.away_map(first, days[-1], [household.pk]) if days else {}
    covers = covered_evenings(household_ids=[household.pk], start=first, end=end)
    evenings = []
    for day in days:
        state, amount = given.get(day, (None, 0))
        reason = away.get((household.pk, day), "")
        cover = covers.get((household.pk, day))
        status = EveningStatus.of(state, rounds.get(day), cover, day, away=bool(reason))
        paid_on = cover.paid_on if status.covered and cover else None
        evenings.append(
            HouseholdEvening(
                day, status, amount if status.has_row else 0, reason if status is EveningStatus.AWAY else "", paid_on
            )
        )
    return list(reversed(evenings))


@dataclass(frozen=True)
class EveningCounts:
    gave: int
    empty: int
    not_collected: int
    away: int = 0


def count_evenings(evenings: list[HouseholdEvening]) -> EveningCounts:
    return EveningCounts(
        gave=sum(1 for e in evenings if e.status.gave),
        empty=sum(1 for e in evenings if e.status is EveningStatus.EMPTY),
        not_collected=sum(1 for e in evenings if e.status is EveningStatus.NOT_COLLECTED),
        away=sum(1 for e in evenings if e.status is EveningStatus.AWAY),
    )


@dataclass(frozen=True)
class HouseholdMonthTotal:
    month: dt.date
    amount: int
    evenings_paid: int
    evenings_empty: int


def household_year(household: Household, year: int, year_rows: YearRows | None = None) -> list[HouseholdMonthTotal]:
    """The household's contributions per month of `year`, months without any left out (one query, none
    with `year_rows`)."""
    if year_rows is None:
        year_rows = household_year_rows(household, year)
    totals: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for evening, state, amount in year_rows:
        month = evening.replace(day=1)
        totals[month][0] += amount
        totals[month][2 if state == ContributionState.EMPTY else 1] += 1
    return [HouseholdMonthTotal(m, amount, paid, empty) for m, (amount, paid, empty) in sorted(totals.items())]


def recent_contributions(household: Household, limit: int = 30) -> list[Contribution]:
    return list(Contribution.objects.filter(household=household).select_related("round").order_by("-evening")[:limit])


# --- The meeting recap ----------------------------------------------------------------------------------


def _houses_rounds(start: dt.date, end: dt.date) -> dict[int, set[dt.date]]:
    """{RT id: the evenings in [start, end) on which its patrol recorded house by house}. One query."""
    evenings: dict[int, set[dt.date]] = defaultdict(set)
    rounds = Round.objects.between(start, end).filter(is_total_only=False).order_by()
    for rt_id, evening in rounds.values_list("rt_id", "evening"):
        evenings[rt_id].add(evening)
    return evenings


def _row_counts(start: dt.date, end: dt.date) -> dict[int, tuple[int, int]]:
    """{household id: (its contribution rows, the empty ones among them)} in [start, end). One query, through
    the evening index: a join from the households would count every contribution of their whole history."""
    return {
        household_id: (rows, empty)
        for household_id, rows, empty in Contribution.objects.between(start, end)
        .order_by()
        .alias(away=_away_on_row())
        .filter(away=False)
        .values("household")
        .annotate(rows=Count("id"), empty=Count("id", filter=Q(state=ContributionState.EMPTY)))
        .values_list("household", "rows", "empty")
    }


@dataclass(frozen=True)
class Expected:
    """Which evenings of [start, end) a household was expected to give on."""

    houses_rounds: dict[int, set[dt.date]]  # {RT id: evenings its patrol recorded house by house}
    away: dict[tuple[int, dt.date], str]  # (household id, evening) an away period covers

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Expected:
        """Two queries."""
        return cls(_houses_rounds(start, end), AwayPeriod.objects.away_map(start, end - dt.timedelta(days=1)))

    def evenings(self, household: Household) -> list[dt.date]:
        """Active, joined by then, its RT's patrol recorded the evening house by house, and not away."""
        if household.status != HouseholdStatus.ACTIVE:
            return []
        joined = household.joined_on
        return [
            evening
            for evening in self.houses_rounds.get(household.rt_id, ())
            if (joined is None or joined <= evening) and (household.pk, evening) not in self.away
        ]

    def includes(self, household: Household, evening: dt.date) -> bool:
        return (
            household.status == HouseholdStatus.ACTIVE
            and (household.joined_on is None or household.joined_on <= evening)
            and evening in self.houses_rounds.get(household.rt_id, ())
            and (household.pk, evening) not in self.away
        )


def subtract_excluded(
    missed: dict[int, int], households: dict[int, Household], expected: Expected, start: dt.date, end: dt.date
) -> dict[int, int]:
    """`missed` ({household id: evenings empty or not collected in [start, end)}) less the excluded evenings
    (`excluded_evenings`) that were missed: the one place an excused evening leaves every missed figure. Two
    queries, whatever the number of households or evenings."""
    pairs = [
        (household_id, evening)
        for household_id, evening in excluded_evenings(start=start, end=end)
        if household_id in households and expected.includes(households[household_id], evening)
    ]
    # An excused evening with money in the tin was not missed (a catch-up never shares one; other reasons may).
    paid = set(
        Contribution.objects.filter(
            household_id__in={h for h, _e in pairs},
            evening__in={e for _h, e in pairs},
            state__in=sorted(ContributionState.paid_values()),
        )
        .order_by()
        .values_list("household_id", "evening")
    )
    result = dict(missed)
    for pair in pairs:
        if pair not in paid and result.get(pair[0]):
            result[pair[0]] -= 1
    return result


@dataclass(frozen=True)
class MissedRecap:
    household: Household
    empty: int
    not_collected: int
    # Of those, the evenings paid since by a catch-up (or otherwise excused): they are not counted against it.
    excused: int = 0

    @property
    def missed(self) -> int:
        return self.empty + self.not_collected - self.excused

    @property
    def estimate(self) -> int:
        """What the missed evenings come to at the household's usual amount."""
        return self.missed * self.household.usual_amount


def missed_evenings(start: dt.date, end: dt.date) -> list[MissedRecap]:
    """Each household's evenings in [start, end) that count against it (EveningStatus.missed) and are not
    excused, most first. Six queries, whatever the number of households or the history.

    The same rule as `household_month`, counted in SQL: an evening is *not collected* when the household's
    RT has a per-household round and the household has no row; total-only rounds say nothing of houses.
    Only active households are counted as not collected, from the day they joined: a moved or exempt one is
    not expected to give. An evening an away period covers is neither empty nor not collected.
    """
    expected = Expected.between(start, end)
    counts = _row_counts(start, end)
    households = {h.pk: h for h in Household.objects.filter(rt_id__in=expected.houses_rounds).select_related("rt")}
    missed: dict[int, int] = {}
    parts: dict[int, tuple[int, int]] = {}
    for household in households.values():
        rows, empty = counts.get(household.pk, (0, 0))
        not_collected = max(len(expected.evenings(household)) - rows, 0)
        if empty or not_collected:
            parts[household.pk] = (empty, not_collected)
            missed[household.pk] = empty + not_collected
    left = subtract_excluded(missed, households, expected, start, end)
    recap = [
        MissedRecap(households[pk], empty, not_collected, missed[pk] - left[pk])
        for pk, (empty, not_collected) in parts.items()
        if left[pk]
    ]
    recap.sort(key=lambda r: (-r.missed, r.household.rt.number, r.household.route_position))
    return recap


# The meeting recap names this many households at most.
RECAP_LIMIT = 15


def missed_evenings_recap(month: dt.date, limit: int = RECAP_LIMIT) -> list[MissedRecap]:
    """Households with the most missed evenings in the month, most first (`missed_evenings`)."""
    first = month_start(month)
    return missed_evenings(first, next_month(first))[:limit]


@dataclass(frozen=True)
class ArrearsTotals:
    households: int
    evenings: int
    estimate: int


def arrears_totals(rows: list[MissedRecap]) -> ArrearsTotals:
    return ArrearsTotals(len(rows), sum(r.missed for r in rows), sum(r.estimate for r in rows))


# --- duty roster --------------------------------------------------------------------------------------

# The most specific kind that names anyone on an evening wins; weekday and pasaran rules add up.
_ROSTER_PRECEDENCE = ((RosterKind.DATE,), (RosterKind.WETON,), (RosterKind.WEEKDAY, RosterKind.PASARAN))


def on_duty(assignments: list[RosterAssignment], day: dt.date) -> list[RosterAssignment]:
    """Who of one RT's assignments is on duty on the evening of `day`."""
    matching = [a for a in assignments if a.matches(day)]
    for kinds in _ROSTER_PRECEDENCE:
        chosen = [a for a in matching if a.kind in kinds]
        if chosen:
            return chosen
    return []


def _assignments_by_rt(start: dt.date, end: dt.date, rts=None) -> dict[int, list[RosterAssignment]]:
    """Every assignment that can apply between start and end (exclusive), by RT, in one query."""
    queryset = (
        RosterAssignment.objects.select_related("user")
        .filter(~Q(kind=RosterKind.DATE) | Q(date__gte=start, date__lt=end))
        .order_by("rt_id", "kind", "weekday", "pasaran", "date", "position", "id")
    )
    if rts is not None:
        queryset = queryset.filter(rt__in=rts)
    grouped: dict[int, list[RosterAssignment]] = defaultdict(list)
    for assignment in queryset:
        grouped[assignment.rt_id].append(assignment)
    return grouped


def on_duty_assignments(*, rt: RT, evening: dt.date) -> list[RosterAssignment]:
    assignments = _assignments_by_rt(evening, evening + dt.timedelta(days=1), rts=[rt]).get(rt.pk, [])
    return on_duty(assignments, evening)


def on_duty_user_ids(*, rt: RT, evening: dt.date) -> set[int]:
    return {a.user_id for a in on_duty_assignments(rt=rt, evening=evening) if a.user_id is not None}


def swap_requests(user, limit: int = 50) -> list[RosterSwap]:
    """Pending requests first, then the latest decisions; a petugas without the Bendahara's view sees their own."""
    queryset = RosterSwap.objects.select_related("rt", "requested_by", "replacement_user", "decided_by")
    if not user.has_perm("nightly.change_rosterswap") and not user.has_perm("nightly.view_rosterassignment"):
        queryset = queryset.filter(Q(requested_by=user) | Q(replacement_user=user))
    decided = models.Case(models.When(status=SwapStatus.PENDING, then=0), default=1)
    return list(queryset.alias(decided=decided).order_by("decided", "-created_at")[:limit])


@dataclass(frozen=True)
class RosterDay:
    day: dt.date
    weekday: str
    pasaran: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class RosterRT:
    rt: RT
    days: list[RosterDay]
    assignments: list[RosterAssignment]


def roster_month(month: dt.date, rts: list[RT] | None = None) -> list[RosterRT]:
    """Every evening of the month with its weekday, pasaran and petugas, per RT. Two queries, whatever the
    number of days, RTs or assignments."""
    start, end = month_start(month), next_month(month)
    rts = list(RT.objects.all()) if rts is None else rts
    grouped = _assignments_by_rt(start, end, rts=rts)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days)]
    result = []
    for rt in rts:
        assignments = grouped.get(rt.pk, [])
        result.append(
            RosterRT(
                rt,
                [
                    RosterDay(
                        day,
                        weekday_name(day),
                        pasaran_of(day),
                        tuple(a.display_name for a in on_duty(assignments, day)),
                    )
                    for day in days
                ],
                assignments,
            )
        )
    return result


def tonight_roster(evening: dt.date | None = None) -> tuple[dt.date, list[tuple[RT, tuple[str, ...]]]]:
    """The running evening and who is on duty in each RT that has anyone."""
    evening = evening or evening_of()
    rows = []
    for entry in roster_month(evening):
        names = entry.days[evening.day - 1].names
        if names:
            rows.append((entry.rt, names))
    return evening, rows


def on_duty_by_rt(evening: dt.date) -> list[tuple[RT, list[RosterAssignment]]]:
    """Who is on duty on one evening, per RT that has anyone, in the RTs' order. One query, whatever the
    number of RTs or assignments: only the rules that can name this evening are read."""
    weekday, pasaran = evening.weekday(), pasaran_index(evening)
    rules = (
        Q(kind=RosterKind.WEEKDAY, weekday=weekday)
        | Q(kind=RosterKind.PASARAN, pasaran=pasaran)
        | Q(kind=RosterKind.WETON, weekday=weekday, pasaran=pasaran)
        | Q(kind=RosterKind.DATE, date=evening)
    )
    queryset = (
        RosterAssignment.objects.filter(rules)
        .select_related("rt", "user")
        .order_by("rt__display_order", "rt__number", "rt_id", "kind", "position", "id")
    )
    grouped: dict[int, list[RosterAssignment]] = {}
    for assignment in queryset:
        grouped.setdefault(assignment.rt_id, []).append(assignment)
    duties = ((assignments[0].rt, on_duty(assignments, evening)) for assignments in grouped.values())
    return [(rt, duty) for rt, duty in duties if duty]


@dataclass(frozen=True)
class IdleDuty:
    name: str
    rostered: int
    evenings: tuple[dt.date, ...]


@dataclass(frozen=True)
class OffRosterRound:
    round: Round
    recorder: str
    rostered: tuple[str, ...]


@dataclass(frozen=True)
class DutyAudit:
    idle: list[IdleDuty]
    off_roster: list[OffRosterRound]


def _took_part(assignment: RosterAssignment, rnd: Round | None) -> bool:
    if rnd is None:
        return False
    if assignment.user_id is not None:
        return rnd.recorded_by_id == assignment.user_id or any(
            u.pk == assignment.user_id for u in rnd.collector_users.all()
        )
    # A petugas without an account shows only as a name typed in the round's collectors.
    return assignment.name.casefold() in rnd.collectors.casefold()


def duty_audit(month: dt.date, today: dt.date | None = None) -> DutyAudit:
    """Per month, up to the running evening: rostered petugas who took part in none of their evenings, and
    rounds recorded by someone not rostered that evening. Four queries, whatever the month holds."""
    start, end = month_start(month), min(next_month(month), (today or evening_of()) + dt.timedelta(days=1))
    rts = list(RT.objects.all())
    grouped = _assignments_by_rt(start, end, rts=rts)
    rounds = {
        (r.rt_id, r.evening): r
        for r in Round.objects.filter(evening__gte=start, evening__lt=end)
        .select_related("rt", "recorded_by")
        .prefetch_related("collector_users")
        .order_by()
    }
    rostered: dict[str, list[dt.date]] = defaultdict(list)
    took_part: dict[str, int] = defaultdict(int)
    off_roster = []
    for rt in rts:
        for offset in range(max((end - start).days, 0)):
            day = start + dt.timedelta(days=offset)
            duty, rnd = on_duty(grouped.get(rt.pk, []), day), rounds.get((rt.pk, day))
            for assignment in duty:
                rostered[assignment.display_name].append(day)
                took_part[assignment.display_name] += _took_part(assignment, rnd)
            if rnd is not None and rnd.recorded_by_id and duty and rnd.recorded_by_id not in {a.user_id for a in duty}:
                recorder = display_name(rnd.recorded_by)
                off_roster.append(OffRosterRound(rnd, recorder, tuple(a.display_name for a in duty)))
    idle = [IdleDuty(name, len(days), tuple(days)) for name, days in sorted(rostered.items()) if not took_part[name]]
    off_roster.sort(key=lambda row: (row.round.evening, row.round.rt_id))
    return DutyAudit(idle, off_roster)


# --- nightly WhatsApp recap ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundRecap:
    round: Round
    paid: int
    empty: int
    left: int
    petugas: tuple[str, ...]
    # None: the kampung's privacy level keeps addresses out of the recap (counts only).
    empty_addresses: tuple[str, ...] | None


def evening_recaps(evening: dt.date, *, rt: RT | None = None, with_addresses: bool = False) -> list[RoundRecap]:
    """Each saved round of an evening (or one RT's) with its counts and petugas; three or four queries,
    whatever the number of RTs and households."""
    queryset = Round.objects.filter(evening=evening).select_related("rt").prefetch_related("collector_users")
    if rt is not None:
        queryset = queryset.filter(rt=rt)
    rounds = list(queryset.order_by("rt__display_order", "rt__number"))
    # An empty container of an away household is not a Kosong (it is mudik): left out of counts and addresses.
    away_empty = Q(state=ContributionState.EMPTY) & Q(away=True)
    counts: dict[tuple[int, str], int] = {
        (row["round_id"], row["state"]): row["n"]
        for row in Contribution.objects.filter(round__in=rounds)
        .alias(away=_away_on_row())
        .exclude(away_empty)
        .order_by()
        .values("round_id", "state")
        .annotate(n=Count("id"))
    }
    addresses: dict[int, list[str]] = defaultdict(list)
    if with_addresses and rounds:
        for round_id, address in (
            Contribution.objects.filter(round__in=rounds, state=ContributionState.EMPTY)
            .alias(away=_away_on_row())
            .exclude(away=True)
            .order_by("household__route_position")
            .values_list("round_id", "household__address")
        ):
            addresses[round_id].append(address)
    recaps = []
    for rnd in rounds:
        people = [display_name(u) for u in rnd.collector_users.all()]
        people += [name.strip() for name in rnd.collectors.split(",") if name.strip() and name.strip() not in people]
        recaps.append(
            RoundRecap(
                rnd,
                counts.get((rnd.pk, ContributionState.PAID), 0),
                counts.get((rnd.pk, ContributionState.EMPTY), 0),
                counts.get((rnd.pk, ContributionState.LEFT_WITH_NEIGHBOUR), 0),
                tuple(people),
                tuple(addresses.get(rnd.pk, ())) if with_addresses else None,
            )
        )
    return recaps


# --- handovers: what the patrol still holds ("di petugas") ----------------------------------------------

# The ageing list: money still out after more than this many days since its evening.
AGE_LIMITS = (3, 7, 30)


def age_bucket(age: int) -> int:
    """0: up to 3 days; 1: more than 3; 2: more than 7; 3: more than 30."""
    return sum(1 for limit in AGE_LIMITS if age > limit)


@dataclass(frozen=True)
class HeldRound:
    round: Round
    holder: str
    age: int  # days since its evening

    @property
    def bucket(self) -> int:
        return age_bucket(self.age)


@dataclass
class HeldGroup:
    """What one petugas (or one group of them) still holds."""

    holder: str
    rounds: list[HeldRound]

    @property
    def total(self) -> int:
        return sum(held.round.total for held in self.rounds)

    @property
    def oldest(self) -> int:
        return max(held.age for held in self.rounds)

    @property
    def buckets(self) -> list[int]:
        return bucket_totals(self.rounds)


def bucket_totals(rounds: list[HeldRound]) -> list[int]:
    totals = [0] * (len(AGE_LIMITS) + 1)
    for held in rounds:
        totals[held.bucket] += held.round.total
    return totals


def round_holder(rnd: Round) -> str:
    """Who holds a round's money until it is handed over: its petugas' accounts, else the names typed."""
    names = sorted(display_name(u) for u in rnd.collector_users.all())
    return ", ".join(names) or rnd.collectors.strip() or str(_("(petugas tidak dicatat)"))


def held_total() -> int:
    """The money of every round not yet handed over. One query."""
    return int(Round.objects.filter(handover__isnull=True).aggregate(total=Sum("total"))["total"] or 0)


def held_rounds(today: dt.date | None = None, *, on: dt.date | None = None) -> list[HeldRound]:
    """Every round not yet handed over, oldest first, with who holds it and its age. With `on`: the rounds the
    patrol held at the end of that day (collected by then, handed over after it), aged to it. Two queries."""
    today = on or today or evening_of()
    held = Q(handover__isnull=True)
    if on is not None:
        held = Q(evening__lte=on) & (held | Q(handover__received_on__gt=on))
    rounds = (
        Round.objects.filter(held)
        .select_related("rt")
        .prefetch_related("collector_users")
        .order_by("evening", "rt__display_order", "rt__number")
    )
    return [HeldRound(rnd, round_holder(rnd), (today - rnd.evening).days) for rnd in rounds]


def held_by_patrol(today: dt.date | None = None, *, on: dt.date | None = None) -> list[HeldGroup]:
    """The rounds not yet handed over (held at the end of `on`, see `held_rounds`), grouped by who holds them,
    the longest-held group first. Two queries."""
    groups: dict[str, list[HeldRound]] = defaultdict(list)
    for held in held_rounds(today, on=on):
        groups[held.holder].append(held)
    return sorted((HeldGroup(h, rounds) for h, rounds in groups.items()), key=lambda g: (-g.oldest, g.holder))


def handover_list(limit: int = 100) -> list[Handover]:
    """The latest handovers with their account, who handed over and how many rounds. One query."""
    return list(
        Handover.objects.select_related("account", "handed_by", "recorded_by")
        .annotate(rounds_count=Count("rounds"), first_evening=models.Min("rounds__evening"))
        .order_by("-received_on", "-pk")[:limit]
    )
