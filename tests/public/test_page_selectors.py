"""The cash-book reads behind the public page: evenings per RT, participation, projects, one household."""

import datetime as dt

import pytest

from households.models import RT, Household
from nightly import selectors as nightly_selectors
from nightly.models import Contribution, Round
from nightly.selectors import EveningStatus
from spending import selectors as spending_selectors
from spending.models import Expense, OtherIncome, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def rts(kampung):
    return RT.objects.create(number=1, display_order=1), RT.objects.create(number=2, display_order=2)


def test_evenings_per_rt_from_stored_totals(rts, django_assert_num_queries):
    rt1, rt2 = rts
    Round.objects.create(rt=rt1, evening=dt.date(2026, 5, 4), total=12_000)
    Round.objects.create(rt=rt2, evening=dt.date(2026, 5, 4), total=8_500)
    Round.objects.create(rt=rt2, evening=dt.date(2026, 5, 5), total=9_000)
    Round.objects.create(rt=rt1, evening=dt.date(2026, 4, 30), total=99_000)  # other month
    with django_assert_num_queries(2):
        listed_rts, evenings = nightly_selectors.evenings_in_month(dt.date(2026, 5, 20))
    assert listed_rts == [rt1, rt2]
    assert [(e.evening, [t for _, t in e.per_rt], e.total) for e in evenings] == [
        (dt.date(2026, 5, 5), [None, 9_000], 9_000),
        (dt.date(2026, 5, 4), [12_000, 8_500], 20_500),
    ]


def test_participation_leaves_total_only_rounds_out(rts):
    rt1, rt2 = rts
    Round.objects.create(rt=rt1, evening=dt.date(2026, 5, 4), total=4_000, households_listed=10, households_paid=8)
    Round.objects.create(rt=rt2, evening=dt.date(2026, 5, 4), total=50_000, is_total_only=True)
    Round.objects.create(rt=rt2, evening=dt.date(2026, 5, 5), total=3_000, households_listed=20, households_paid=5)
    nights = nightly_selectors.participation(dt.date(2026, 5, 1), dt.date(2026, 6, 1))
    assert [(p.evening, p.listed, p.paid, p.total_only_rounds, p.percent) for p in nights] == [
        (dt.date(2026, 5, 4), 10, 8, 1, 80),
        (dt.date(2026, 5, 5), 20, 5, 0, 25),
    ]


def test_project_progress_budget_spent_and_earmarked(kampung, django_assert_num_queries):
    hall = Project.objects.create(name="Balai warga", budget=1_000_000)
    Project.objects.create(name="Dapur stunting")
    Expense.objects.create(spent_on=dt.date(2026, 5, 1), project=hall, description="Semen", amount=400_000)
    Expense.objects.create(spent_on=dt.date(2026, 5, 2), project=hall, description="Pasir", amount=900_000)
    Expense.objects.create(spent_on=dt.date(2026, 5, 2), description="Listrik pos", amount=50_000)
    OtherIncome.objects.create(received_on=dt.date(2026, 5, 3), project=hall, description="Donasi", amount=300_000)
    with django_assert_num_queries(1):
        progress = {p.project.name: p for p in spending_selectors.project_progress()}
    assert (progress["Balai warga"].spent, progress["Balai warga"].earmarked_income) == (1_300_000, 300_000)
    assert progress["Balai warga"].percent == 100 and progress["Balai warga"].over_budget
    assert (progress["Dapur stunting"].spent, progress["Dapur stunting"].percent) == (0, None)
    assert [x.description for x in spending_selectors.recent_expenses(2)] == ["Listrik pos", "Pasir"]


def test_household_month_and_year(rts):
    rt1, _ = rts
    home = Household.objects.create(rt=rt1, address="No. 7", head_name="Budi")
    paid = Round.objects.create(rt=rt1, evening=dt.date(2026, 5, 1), total=500, households_listed=1, households_paid=1)
    empty = Round.objects.create(rt=rt1, evening=dt.date(2026, 5, 2), total=0, households_listed=1)
    Round.objects.create(rt=rt1, evening=dt.date(2026, 5, 3), total=0, households_listed=1)  # not reached
    Contribution.objects.create(round=paid, household=home, evening=paid.evening, amount=500, state="dibayar")
    Contribution.objects.create(round=empty, household=home, evening=empty.evening, amount=0, state="kosong")
    march = Round.objects.create(
        rt=rt1, evening=dt.date(2026, 3, 9), total=1000, households_listed=1, households_paid=1
    )
    Contribution.objects.create(round=march, household=home, evening=march.evening, amount=1000, state="titip")
    Round.objects.create(rt=rt1, evening=dt.date(2026, 5, 4), total=70_000, is_total_only=True)
    days = nightly_selectors.household_month(home, dt.date(2026, 5, 1), until=dt.date(2026, 5, 5))
    assert [(d.evening.day, d.status, d.amount) for d in days] == [
        (5, EveningStatus.NO_ROUND, 0),
        (4, EveningStatus.NO_HOUSE_RECORD, 0),
        (3, EveningStatus.NOT_COLLECTED, 0),
        (2, EveningStatus.EMPTY, 0),
        (1, EveningStatus.PAID, 500),
    ]
    year = nightly_selectors.household_year(home, 2026)
    assert [(m.month, m.amount, m.evenings_paid, m.evenings_empty) for m in year] == [
        (dt.date(2026, 3, 1), 1000, 1, 0),
        (dt.date(2026, 5, 1), 500, 1, 1),
    ]


def test_progress_reads_100_percent_only_when_the_whole_budget_is_spent(kampung):
    """The register's and the public pages' figure is one rule: 99.6 % spent reads 99 %, not 100 %."""
    hall = Project.objects.create(name="Balai warga", budget=1_000_000)
    Expense.objects.create(spent_on=dt.date(2026, 5, 1), project=hall, description="Semen", amount=996_000)
    [progress] = spending_selectors.project_progress(hall.pk)
    assert progress.percent == 99 and not progress.over_budget
    annotated = spending_selectors.projects_with_totals().get(pk=hall.pk)
    assert spending_selectors.progress_of(annotated).percent == 99
