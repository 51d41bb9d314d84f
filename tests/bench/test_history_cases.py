"""The issue-18 bench cases run on a tiny database: the history pages and the sheet floor that writes history."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from demo.seeding import seed_demo
from households.models import RT, Household
from nightly.models import Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny(kampung):
    seed_demo(households=12, months=2, seed=1)


def test_history_pages_answer_and_name_the_dataset(tiny):
    from bench import cases

    context = cases.HistoryContext.create()
    for case in cases.history_cases(context):
        prepare, run = case.build()
        prepare()
        assert run().status_code == 200
    dataset = context.dataset()
    assert dataset["households"] == Household.objects.count() > 0
    assert dataset["contributions"] == Contribution.objects.count() > 0
    assert dataset["first_evening"] < dataset["last_evening"]


def test_the_floor_with_history_writes_each_row_and_its_history_row(tiny, django_user_model):
    from bench import cases

    bendahara = django_user_model.objects.get(username="bendahara")  # the demo's treasurer
    rt = RT.objects.create(number=90, name="Bench", display_order=99)
    Household.objects.bulk_create(
        [
            Household(rt=rt, address=f"Blok Z {n}", head_name=f"Uji {n}", usual_amount=500, route_position=n)
            for n in (1, 2, 3)
        ]
    )
    context = SimpleNamespace(bench_rt=rt, floor_evening=dt.date.today(), treasurer_user=bendahara)
    history = Contribution.history.model
    prepare, run = cases.sql_floor_sheet_post_with_history(context)
    before = history.objects.count()
    prepare()
    run()
    rows = Contribution.objects.filter(household__rt=rt)
    assert sorted(rows.values_list("amount", flat=True)) == [500, 500, 500]
    written = history.objects.filter(household__rt=rt)
    assert history.objects.count() == before + 3
    assert sorted(written.values_list("id", flat=True)) == sorted(rows.values_list("pk", flat=True))
    assert set(written.values_list("history_user_id", flat=True)) == {bendahara.pk}
    run()
    assert set(rows.values_list("amount", flat=True)) == {200}
    assert history.objects.count() == before + 6


def test_the_new_ratios_and_the_query_check():
    from bench.run import TARGETS, compute_ratios, history_queries

    results = {
        "sheet_post_500": {"median_ms": 30.0},
        "sql_floor_sheet_post_with_history": {"median_ms": 10.0},
        "history_1y_ledger": {"median_ms": 20.0, "queries": 13},
        "history_10y_ledger": {"median_ms": 25.0, "queries": 13},
        "history_1y_household": {"median_ms": 5.0, "queries": 4},
        "history_10y_household": {"median_ms": 5.0, "queries": 5},
    }
    ratios = compute_ratios(results)
    assert ratios["sheet_post_vs_floor_with_history"] == 3.0
    assert ratios["history_10y_vs_1y_ledger"] == 1.25 and ratios["history_10y_vs_1y_household"] == 1.0
    assert set(ratios) == set(TARGETS)
    assert history_queries(results) == {
        "ledger": {"1y": 13, "10y": 13, "equal": True},
        "household": {"1y": 4, "10y": 5, "equal": False},
    }
