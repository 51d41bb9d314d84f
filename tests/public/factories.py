"""Seeded kampungs for the public-ledger tests and the render-time measurement (bulk_create, fast)."""

from __future__ import annotations

import datetime as dt
import random

from households.models import RT, Household
from ledger.models import number_in_bulk
from nightly.models import Contribution, ContributionState, Round
from spending.models import Expense, OtherIncome, Project


def seed_kampung(
    households: int, years: int, today: dt.date, *, rts: int = 5, contribution_days: int = 31, seed: int = 7
) -> dict:
    """`households` households over `rts` RTs, a round per RT per evening for `years` years up to
    `today` (stored totals), per-household contributions for the last `contribution_days` evenings,
    some projects, expenses and other income. Every name, phone and code is distinct and searchable."""
    rng = random.Random(seed)
    rt_rows = RT.objects.bulk_create([RT(number=n + 1, display_order=n) for n in range(rts)])
    homes = Household.objects.bulk_create(
        [
            Household(
                rt=rt_rows[i % rts],
                address=f"Blok Q{i // rts + 1}",
                head_name=f"Wargatest Nama{i:04d}",
                phone=f"0812{i:08d}",
                route_position=i // rts,
            )
            for i in range(households)
        ]
    )
    by_rt: dict[int, list[Household]] = {}
    for home in homes:
        by_rt.setdefault(home.rt_id, []).append(home)
    start = today - dt.timedelta(days=365 * years)
    detail_from = today - dt.timedelta(days=contribution_days - 1)
    rounds, contributions = [], []
    day = start
    while day <= today:
        for rt in rt_rows:
            members = by_rt.get(rt.id, [])
            if day >= detail_from:
                states = [rng.random() < 0.8 for _ in members]
                paid = sum(states)
                round_ = Round(
                    rt=rt, evening=day, total=paid * 500, households_listed=len(members), households_paid=paid
                )
                rounds.append(round_)
                contributions.append((round_, members, states))
            else:
                listed = len(members)
                paid = rng.randint(listed * 6 // 10, listed) if listed else 0
                rounds.append(
                    Round(rt=rt, evening=day, total=paid * 500, households_listed=listed, households_paid=paid)
                )
        day += dt.timedelta(days=1)
    Round.objects.bulk_create(rounds, batch_size=2000)
    rows = []
    for round_, members, states in contributions:
        for home, paid in zip(members, states, strict=False):
            rows.append(
                Contribution(
                    round=round_,
                    household=home,
                    evening=round_.evening,
                    amount=500 if paid else 0,
                    state=ContributionState.PAID if paid else ContributionState.EMPTY,
                )
            )
    Contribution.objects.bulk_create(rows, batch_size=2000)
    projects = Project.objects.bulk_create(
        [
            Project(name="Renovasi pos ronda", budget=5_000_000, status="berjalan"),
            Project(name="Dapur stunting", budget=2_000_000, status="berjalan"),
            Project(name="Ambulans desa", status="rencana"),
        ]
    )
    expenses, incomes = [], []
    for month_back in range(years * 12):
        day = today - dt.timedelta(days=30 * month_back + 3)
        if day < start:
            break
        expenses.append(
            Expense(spent_on=day, project=projects[month_back % 3], description=f"Belanja {month_back}", amount=150_000)
        )
        if month_back % 4 == 0:
            incomes.append(
                OtherIncome(received_on=day, description=f"Donasi {month_back}", amount=250_000, project=projects[1])
            )
    number_in_bulk(sorted([*expenses, *incomes], key=lambda document: document.number_day))
    Expense.objects.bulk_create(expenses)
    OtherIncome.objects.bulk_create(incomes)
    return {"rts": rt_rows, "households": homes, "projects": projects}
