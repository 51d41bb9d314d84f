"""seed_spending: a project shown as finished (Selesai) has spent something, however short the demo period."""

import datetime as dt
import random

import pytest

from households.models import RT
from nightly.models import Round
from spending.demo import seed_spending
from spending.models import Project, ProjectStatus

pytestmark = pytest.mark.django_db


def _jimpitan(first: dt.date, last: dt.date, rng: random.Random) -> None:
    rts = [RT.objects.create(number=n) for n in (1, 2, 3)]
    rounds, day = [], first
    while day <= last:
        rounds += [Round(rt=rt, evening=day, total=rng.randint(30, 55) * 1000, is_total_only=True) for rt in rts]
        day += dt.timedelta(days=1)
    Round.objects.bulk_create(rounds)


@pytest.mark.parametrize("months", [2, 3, 4, 6])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_finished_project_has_spending(bendahara, months, seed):
    rng = random.Random(seed)
    first = dt.date(2024, 1, 1)
    last = dt.date(2024, months, 1)
    _jimpitan(first, dt.date(2024, months, 28), rng)
    seed_spending(rng=rng, first_month=first, last_month=last, recorded_by=bendahara)
    done = Project.objects.filter(status=ProjectStatus.DONE)
    empty = [p.name for p in done if not p.expenses.exists()]
    assert not empty, empty


def test_a_short_period_still_finishes_its_first_project(bendahara):
    """Three months: the secretariat's fit-out (the first 20 %) runs in the months with cash, buys and is done."""
    rng = random.Random(1)
    _jimpitan(dt.date(2024, 1, 1), dt.date(2024, 3, 28), rng)
    seed_spending(rng=rng, first_month=dt.date(2024, 1, 1), last_month=dt.date(2024, 3, 1), recorded_by=bendahara)
    project = Project.objects.get(name="Kesekretariatan")
    assert project.status == ProjectStatus.DONE
    assert project.expenses.exists()
