"""Demo nightly rounds for `seed_demo`: years of rounds and contributions, written with bulk inserts.

Calibrated on Batujaya's Kampung KB: Rp 100–1.000 per household per night, about 330 households giving
Rp 3–5 million a month. Every draw comes from the caller's `random.Random`, so a seed gives the same rounds.

Rounds and contributions are written with raw `executemany` (no model instances, no history rows):
500 households over 60 months is about 900,000 contributions. This seeder writes the nightly app's tables
and nothing else; it reads the households from what `households.demo` returned.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from households.demo import DemoHousehold, called_name
from households.models import Household, HouseholdStatus
from jimpitan.lib.months import month_start, next_month
from jimpitan.lib.sql import delete_all_rows, insert_sql, rows_changed_in_bulk
from jimpitan.tenancy import active_kampung_id
from ledger.models import number_in_bulk
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
)

OTHER_AMOUNTS = [100, 200, 500, 1000, 2000]
RAIN_CHANCE = 0.035  # the whole kampung skips the night
RT_MISSED_CHANCE = 0.01  # one RT's patrol did not go out
TOTAL_ONLY_CHANCE = 0.02  # the buku ronda kept only the night's total
NOT_REACHED_CHANCE = 0.008
TITIP_CHANCE = 0.02
OTHER_AMOUNT_CHANCE = 0.05
RAPEL_CHANCE = 0.003
BATCH_ROWS = 50_000
_DAY = dt.timedelta(days=1)

ROUND_FIELDS = [
    "rt",
    "evening",
    "collectors",
    "counted_cash",
    "notes",
    "is_total_only",
    "total",
    "households_listed",
    "households_paid",
    "recorded_by",
    "recorded_at",
    "updated_at",
    "version",
    "kampung",
]
TOTAL_COLUMN = ROUND_FIELDS.index("total")
CONTRIBUTION_FIELDS = ["round", "household", "evening", "amount", "state", "note", "kampung"]

# What this seeder empties, children first.
WIPED_MODELS = (
    CatchUpEvening,
    CatchUp.history.model,
    CatchUp,
    RosterSwap.history.model,
    RosterSwap,
    RosterAssignment.history.model,
    RosterAssignment,
    Contribution.history.model,
    Contribution,
    Round.collector_users.through,
    Round.history.model,
    Round,
    Handover.history.model,
    Handover,
)
# The patrol hands each RT's rounds over every few days; now and then the count comes up a little short.
HANDOVER_EVERY_DAYS = (2, 6)
SHORTFALL_CHANCE = 0.05
SHORTFALLS = (500, 1_000, 2_000, 5_000)
SHORTFALL_REASONS = (
    "Ada koin yang jatuh di jalan",
    "Satu kaleng tertukar dengan RT sebelah, dicari",
    "Uang receh terselip, dihitung ulang kurang",
    "Ada uang mainan anak di kaleng",
)


@dataclass
class SeededRounds:
    rounds: int = 0
    contributions: int = 0
    jimpitan_total: int = 0


@dataclass
class _Kampung:
    """What every evening of the seeding needs: who is on each RT's route, and who patrols on which weekday."""

    by_rt: dict[int, list[DemoHousehold]]
    rt_ids: list[int]
    rosters: dict[int, list[str]]
    recorder_ids: list[int]


# A month's rounds as rows for the INSERT, and each listed round's contribution rows by (RT, evening).
_MonthRows = tuple[list[tuple], dict[tuple[int, dt.date], list[tuple]]]


def wipe_rounds() -> None:
    # A handed-over round may not be deleted (its trigger): unlink the handovers first, as the app would.
    Round.objects.filter(handover__isnull=False).update(handover=None)
    delete_all_rows(WIPED_MODELS)


def _handover(rng: random.Random, day: dt.date, batch: list[tuple], account_id: int, recorded_by_id: int) -> Handover:
    expected = sum(row[3] for row in batch)
    short = min(expected, rng.choice(SHORTFALLS)) if expected and rng.random() < SHORTFALL_CHANCE else 0
    return Handover(
        received_on=day,
        handed_by_name=(batch[-1][4].split(", ")[0] or "Petugas ronda")[:100],
        account_id=account_id,
        expected=expected,
        counted=expected - short,
        difference=-short,
        explanation=rng.choice(SHORTFALL_REASONS) if short else "",
        recorded_by_id=recorded_by_id,
    )


def seed_handovers(*, rng: random.Random, last: dt.date, account_id: int, recorded_by_id: int) -> int:
    """Per RT, a handover every 2–6 days of the rounds before that day, into `account_id` (Kas tunai): the
    handovers lag the rounds, and the last few evenings are still held by the patrol. Returns how many."""
    by_rt: dict[int, list[tuple]] = {}
    for row in Round.objects.order_by("rt_id", "evening").values_list("pk", "rt_id", "evening", "total", "collectors"):
        by_rt.setdefault(row[1], []).append(row)
    handovers: list[Handover] = []
    batches: list[list[tuple]] = []
    for rounds in by_rt.values():
        day, index = rounds[0][2] + dt.timedelta(days=rng.randint(*HANDOVER_EVERY_DAYS)), 0
        while day <= last:
            batch = []
            while index < len(rounds) and rounds[index][2] < day:
                batch.append(rounds[index])
                index += 1
            if batch:
                handovers.append(_handover(rng, day, batch, account_id, recorded_by_id))
                batches.append(batch)
            day += dt.timedelta(days=rng.randint(*HANDOVER_EVERY_DAYS))
    number_in_bulk(sorted(handovers, key=lambda handover: handover.received_on))
    Handover.objects.bulk_create(handovers, batch_size=2_000)
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE nightly_round SET handover_id = %s WHERE id = %s",
            [(handover.pk, row[0]) for handover, batch in zip(handovers, batches, strict=True) for row in batch],
        )
    rows_changed_in_bulk.send(sender=Round)
    rows_changed_in_bulk.send(sender=Handover)
    return len(handovers)


def seed_rounds(
    *, rng: random.Random, households: list[DemoHousehold], first: dt.date, last: dt.date, recorder_ids: list[int]
) -> SeededRounds:
    """Every evening from `first` to `last`, month by month: insert the month's rounds, read back their ids,
    then insert their contributions (the ids are needed first, and a month keeps the batches small)."""
    by_rt = _on_route(households)
    kampung = _Kampung(by_rt, sorted(by_rt), _rosters(rng, households), recorder_ids)
    _store_rosters(kampung.rosters)
    seeded = SeededRounds()
    month = month_start(first)
    with connection.cursor() as cursor:
        while month <= last:
            round_rows, pending = _month_rows(rng, kampung, max(month, first), min(next_month(month), last + _DAY))
            seeded.rounds += len(round_rows)
            seeded.jimpitan_total += sum(row[TOTAL_COLUMN] for row in round_rows)
            seeded.contributions += _insert_month(cursor, month, round_rows, pending)
            month = next_month(month)
    # Raw SQL saves no model, so nothing else hears of these rows unless told.
    rows_changed_in_bulk.send(sender=Round)
    rows_changed_in_bulk.send(sender=Contribution)
    return seeded


def _on_route(households: list[DemoHousehold]) -> dict[int, list[DemoHousehold]]:
    """Each RT's households in route order; the exempt ones are never visited."""
    by_rt: dict[int, list[DemoHousehold]] = {}
    for house in households:
        if house.status != HouseholdStatus.EXEMPT:
            by_rt.setdefault(house.rt_id, []).append(house)
    return by_rt


def _rosters(rng: random.Random, households: list[DemoHousehold]) -> dict[int, list[str]]:
    """Seven patrol groups per RT (one per weekday), 4–6 residents each, named from the RT's heads."""
    heads_by_rt: dict[int, list[str]] = {}
    for house in households:
        heads_by_rt.setdefault(house.rt_id, []).append(house.head_name)
    rosters = {}
    for rt_id, heads in heads_by_rt.items():
        groups = []
        for _ in range(7):
            picked = rng.sample(heads, min(len(heads), rng.randint(4, 6)))
            groups.append(", ".join(called_name(name) for name in picked))
        rosters[rt_id] = groups
    return rosters


def _store_rosters(rosters: dict[int, list[str]]) -> None:
    """The weekday groups the rounds were patrolled by, as each RT's duty roster (plain names: the residents
    on patrol have no accounts)."""
    RosterAssignment.objects.bulk_create(
        RosterAssignment(rt_id=rt_id, kind=RosterKind.WEEKDAY, weekday=weekday, name=name, position=position)
        for rt_id, groups in rosters.items()
        for weekday, group in enumerate(groups)
        for position, name in enumerate(dict.fromkeys(group.split(", ")))
    )


def _month_rows(rng: random.Random, kampung: _Kampung, start: dt.date, end: dt.date) -> _MonthRows:
    """The rounds of the evenings from `start` up to, not including, `end`: rain skips a whole evening, a
    missed patrol one RT's."""
    ops = connection.ops
    round_rows: list[tuple] = []
    pending: dict[tuple[int, dt.date], list[tuple]] = {}
    day = start
    while day < end:
        rainy = rng.random() < RAIN_CHANCE
        evening_value = ops.adapt_datefield_value(day)
        for rt_id in kampung.rt_ids:
            if rainy or rng.random() < RT_MISSED_CHANCE:
                continue
            total_only = rng.random() < TOTAL_ONLY_CHANCE
            rows, total, paid = _evening_rows(rng, kampung.by_rt[rt_id], day, evening_value)
            if not rows:
                continue
            if total_only:
                rows, paid = [], 0
            else:
                pending[(rt_id, day)] = rows
            counted, notes, stamp = _round_header(rng, day, total_only=total_only, total=total)
            collectors = kampung.rosters[rt_id][day.weekday()]
            round_rows.append(
                (
                    rt_id,
                    evening_value,
                    collectors,
                    counted,
                    notes,
                    total_only,
                    total,
                    len(rows),
                    paid,
                    rng.choice(kampung.recorder_ids),
                    stamp,
                    stamp,
                    1,
                    active_kampung_id(),  # raw SQL: the column's database default would be the first kampung
                )
            )
        day += _DAY
    return round_rows, pending


def _evening_rows(
    rng: random.Random, houses: list[DemoHousehold], day: dt.date, evening_value
) -> tuple[list[tuple], int, int]:
    """One RT's evening, house by house: (household, evening, amount, state, note) rows, their total, and
    how many paid. The hot loop of the seeding: kept flat, one call per RT and evening."""
    rows = []
    total = paid = 0
    for house in houses:
        if house.joined_on and house.joined_on > day or house.moved_on and house.moved_on < day:
            continue
        if house.away and house.is_away(day):
            continue  # the family is away: the patrol passes the house by
        if rng.random() < NOT_REACHED_CHANCE:
            continue
        note = ""
        if rng.random() < house.empty_chance:
            amount, state = 0, ContributionState.EMPTY.value
        else:
            state = ContributionState.PAID.value
            amount = house.usual_amount
            roll = rng.random()
            if roll < TITIP_CHANCE:
                state = ContributionState.LEFT_WITH_NEIGHBOUR.value
                note = "Dititip ke tetangga sebelah"
            elif roll < TITIP_CHANCE + OTHER_AMOUNT_CHANCE:
                amount = rng.choice(OTHER_AMOUNTS)
            elif roll < TITIP_CHANCE + OTHER_AMOUNT_CHANCE + RAPEL_CHANCE:
                amount = house.usual_amount * rng.randint(4, 10)
                note = "Rapel"
            paid += 1
        total += amount
        rows.append((house.pk, evening_value, amount, state, note))
    return rows, total, paid


def _round_header(rng: random.Random, day: dt.date, *, total_only: bool, total: int) -> tuple[int | None, str, object]:
    """The counted cash (often not counted, sometimes a little off), the notes and the recording time (the
    morning after, as the treasurer types in the patrol book)."""
    roll = rng.random()
    if roll < 0.15:
        counted = None
    elif roll < 0.22:
        counted = max(0, total + rng.choice([-1000, -500, -200, 200, 500]))
    else:
        counted = total
    recorded_at = dt.datetime.combine(
        day + _DAY, dt.time(rng.randint(7, 20), rng.randint(0, 59)), timezone.get_current_timezone()
    )
    notes = "Buku ronda hanya mencatat total malam ini." if total_only else ""
    return counted, notes, connection.ops.adapt_datetimefield_value(recorded_at)


def _insert_month(cursor, month: dt.date, round_rows: list[tuple], pending: dict) -> int:
    """Insert the month's rounds, read back their ids, insert their contributions in batches; the rows written."""
    if not round_rows:
        return 0
    cursor.executemany(insert_sql(Round, ROUND_FIELDS), round_rows)
    cursor.execute(
        _round_ids_sql(),
        [
            active_kampung_id(),
            connection.ops.adapt_datefield_value(month),
            connection.ops.adapt_datefield_value(next_month(month)),
        ],
    )
    contribution_sql = insert_sql(Contribution, CONTRIBUTION_FIELDS)
    written = 0
    batch: list[tuple] = []
    kampung_id = active_kampung_id()
    for round_id, rt_id, evening in cursor.fetchall():
        if isinstance(evening, str):  # SQLite hands dates back as text
            evening = dt.date.fromisoformat(evening)
        batch.extend((round_id, *row, kampung_id) for row in pending.get((rt_id, evening), ()))
        if len(batch) >= BATCH_ROWS:
            cursor.executemany(contribution_sql, batch)
            written += len(batch)
            batch = []
    if batch:
        cursor.executemany(contribution_sql, batch)
        written += len(batch)
    return written


def _round_ids_sql() -> str:
    """The kampung's round ids of the month with their RT and evening, to hang the contributions on."""
    quote = connection.ops.quote_name
    evening = quote(Round._meta.get_field("evening").column)
    return (
        f"SELECT {quote('id')}, {quote(Round._meta.get_field('rt').column)}, {evening} "
        f"FROM {quote(Round._meta.db_table)} "
        f"WHERE {quote(Round._meta.get_field('kampung').column)} = %s AND {evening} >= %s AND {evening} < %s"
    )


# Idul Fitri (Lebaran), when households go home to their villages (mudik) and pay the missed nights afterwards.
LEBARAN = (dt.date(2024, 4, 10), dt.date(2025, 3, 31), dt.date(2026, 3, 20), dt.date(2027, 3, 10))
MUDIK_BEFORE, MUDIK_AFTER = dt.timedelta(days=5), dt.timedelta(days=7)
CATCH_UP_HOUSEHOLDS = 5
# After the holidays the catch-ups come in over a week or two, at the monthly meeting and at the door.
CATCH_UP_AFTER_DAYS = (10, 21)
PAY_AHEAD_EVENINGS = 14


def _mudik_window(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The evenings around the period's Lebaran, or (without one) two weeks early in the period."""
    for lebaran in LEBARAN:
        start, end = lebaran - MUDIK_BEFORE, lebaran + MUDIK_AFTER
        if first <= start and end + dt.timedelta(days=CATCH_UP_AFTER_DAYS[1]) <= last:
            return start, end
    start = first + dt.timedelta(days=7)
    return start, start + MUDIK_BEFORE + MUDIK_AFTER


def _catch_up(household_id: int, paid_on: dt.date, amount: int, note: str, account_id: int, user_id: int) -> CatchUp:
    return CatchUp(
        household_id=household_id,
        paid_on=paid_on,
        amount=amount,
        account_id=account_id,
        note=note,
        recorded_by_id=user_id,
    )


def seed_catch_ups(*, rng: random.Random, first: dt.date, last: dt.date, account_id: int, recorded_by_id: int) -> int:
    """A handful of households that went home for Lebaran pay their empty evenings after it (one of them only
    part), and one household pays the next two weeks ahead, into `account_id`. Returns how many."""
    start, end = _mudik_window(first, last)
    missed: dict[int, list[dt.date]] = {}
    rows = Contribution.objects.filter(evening__gte=start, evening__lte=end, state=ContributionState.EMPTY)
    for household_id, evening in rows.order_by("household_id", "evening").values_list("household_id", "evening"):
        missed.setdefault(household_id, []).append(evening)
    usual = dict(Household.objects.values_list("pk", "usual_amount"))
    chosen = sorted(missed, key=lambda pk: (-len(missed[pk]), pk))[:CATCH_UP_HOUSEHOLDS]
    catch_ups: list[tuple[CatchUp, list[dt.date]]] = []
    for index, household_id in enumerate(chosen):
        # The last one pays only the first evenings it missed: the rest stay in arrears.
        evenings = (
            missed[household_id][: max(1, len(missed[household_id]) // 2)]
            if index == len(chosen) - 1
            else missed[household_id]
        )
        paid_on = min(end + dt.timedelta(days=rng.randint(*CATCH_UP_AFTER_DAYS)), last)
        amount = len(evenings) * (usual[household_id] or 500)
        catch_ups.append(
            (
                _catch_up(household_id, paid_on, amount, "Rapel sesudah mudik Lebaran", account_id, recorded_by_id),
                evenings,
            )
        )
    ahead = (
        Household.objects.filter(status=HouseholdStatus.ACTIVE)
        .exclude(pk__in=chosen)
        .order_by("rt_id", "route_position")
        .first()
    )
    if ahead is not None:
        evenings = [last + dt.timedelta(days=n) for n in range(1, PAY_AHEAD_EVENINGS + 1)]
        note = "Dibayar di muka, pergi kerja ke luar kota"
        catch_ups.append(
            (
                _catch_up(
                    ahead.pk,
                    last - dt.timedelta(days=1),
                    len(evenings) * (ahead.usual_amount or 500),
                    note,
                    account_id,
                    recorded_by_id,
                ),
                evenings,
            )
        )
    number_in_bulk(sorted((catch_up for catch_up, _evenings in catch_ups), key=lambda catch_up: catch_up.paid_on))
    CatchUp.objects.bulk_create([catch_up for catch_up, _evenings in catch_ups])
    CatchUpEvening.objects.bulk_create(
        [
            CatchUpEvening(catch_up=catch_up, household_id=catch_up.household_id, evening=evening)
            for catch_up, evenings in catch_ups
            for evening in evenings
        ]
    )
    rows_changed_in_bulk.send(sender=CatchUp)
    return len(catch_ups)
