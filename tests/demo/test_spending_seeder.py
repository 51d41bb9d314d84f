"""seed_spending: the kampung's real projects, spending that the collected cash can always cover."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from households.models import RT
from ledger.selectors import balance_at, lowest_balance_from
from nightly.models import Round
from spending.demo import PROJECTS, approve_older_expenses, seed_spending
from spending.models import Expense, OtherIncome, Project

pytestmark = pytest.mark.django_db

FIRST, LAST = dt.date(2022, 1, 1), dt.date(2025, 12, 1)


def _jimpitan(rng: random.Random) -> None:
    """~Rp 3–5 million a month from three RTs, every evening, as seed_demo will have made."""
    rts = [RT.objects.create(number=n) for n in (1, 2, 3)]
    rounds, day = [], FIRST
    while day <= dt.date(2025, 12, 31):
        for rt in rts:
            rounds.append(Round(rt=rt, evening=day, total=rng.randint(30, 55) * 1000, is_total_only=True))
        day += dt.timedelta(days=1)
    Round.objects.bulk_create(rounds)


def _seed(bendahara, seed: int = 7):
    rng = random.Random(seed)
    _jimpitan(rng)
    seed_spending(rng=rng, first_month=FIRST, last_month=LAST, recorded_by=bendahara)


def test_creates_the_real_projects_and_never_overspends(bendahara):
    _seed(bendahara)
    names = set(Project.objects.values_list("name", flat=True))
    assert names == {p[0] for p in PROJECTS}
    assert {"Balai warga", "Dapur stunting", "Ambulans", "Musala", "Kelompok Wanita Tani (KWT)"} <= names
    assert Expense.objects.count() > 48 and OtherIncome.objects.count() > 20
    assert set(OtherIncome.objects.values_list("source", flat=True)) >= {"kwt", "mitra", "donasi"}
    # The cash book never dips below zero on any day.
    day, lowest = lowest_balance_from(FIRST)
    assert lowest >= 0, (day, lowest)
    assert balance_at(dt.date(2025, 12, 31)) >= 0
    for project in Project.objects.all():
        spent = sum(project.expenses.values_list("amount", flat=True))
        earmarked = sum(project.incomes.values_list("amount", flat=True))
        assert spent <= project.budget + earmarked
    assert Project.objects.filter(expenses__isnull=False).distinct().count() == len(PROJECTS)


def test_is_deterministic(bendahara):
    _seed(bendahara)
    first = list(
        Expense.objects.order_by("spent_on", "amount", "description").values_list("spent_on", "amount", "description")
    )
    Expense.objects.all().delete()
    OtherIncome.objects.all().delete()
    Round.objects.all().delete()
    RT.objects.all().delete()
    Project.objects.all().delete()
    _seed(bendahara)
    second = list(
        Expense.objects.order_by("spent_on", "amount", "description").values_list("spent_on", "amount", "description")
    )
    assert first == second


def test_the_pokja_has_approved_all_but_the_last_week(bendahara, pokja):
    rng = random.Random(7)
    _jimpitan(rng)
    seed_spending(rng=rng, first_month=FIRST, last_month=LAST, recorded_by=bendahara, approved_by=pokja)
    assert not Expense.objects.filter(approved_by__isnull=True).exists()
    for spent_on, approved_at in Expense.objects.values_list("spent_on", "approved_at"):
        assert timezone.localdate(approved_at) == spent_on + dt.timedelta(days=3)
    recent = [Expense(spent_on=dt.date.today() - dt.timedelta(days=2), amount=1, description="Gas")]
    approve_older_expenses(recent, pokja, dt.date.today())
    assert recent[0].approved_by is None
