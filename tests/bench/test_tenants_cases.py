"""The many-kampung bench cases (issue 18 §4) run on a tiny database: kampung 1's public page, sheet save and
monthly report answer, and the query counts at 1 and 100 kampungs are compared."""

from __future__ import annotations

import datetime as dt

import pytest

from bench import common
from demo.seeding import seed_demo
from households.models import RT, Household
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate
from nightly.models import Round

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny(kampung):
    seed_demo(households=12, months=2, seed=1)
    rt = RT.objects.create(number=common.BENCH_RT_NUMBER, name="Bench", display_order=99)
    Household.objects.bulk_create(
        [
            Household(rt=rt, address=f"Blok Z {n}", head_name=f"Uji {n}", usual_amount=500, route_position=n)
            for n in range(1, common.BENCH_RT_SIZE + 1)
        ]
    )


def test_kampung_ones_cases_answer(tiny):
    from bench import cases

    with activate(FIRST_KAMPUNG_ID):
        context = cases.TenantsContext.create(FIRST_KAMPUNG_ID)
        assert [case.name for case in cases.tenants_cases(context)] == ["ledger", "sheet_post", "report"]
        for case in cases.tenants_cases(context):
            prepare, run = case.build()
            prepare()
            assert run().status_code in (200, 302, 303)
        saved = Round.objects.get(rt=context.bench_rt, evening=context.sheet_evening)
        assert saved.households_listed == common.BENCH_RT_SIZE
        dataset = context.dataset()
    assert dataset["kampungs"] == 1 and dataset["kampung_1_households"] == Household.objects.count()
    assert context.report_month < dt.date.today().replace(day=1)


def test_the_tenant_ratios_and_the_query_check():
    from bench.run import TARGETS, compute_ratios, tenants_queries

    results = {
        "tenants_1_ledger": {"median_ms": 20.0, "queries": 13},
        "tenants_100_ledger": {"median_ms": 22.0, "queries": 13},
        "tenants_1_sheet_post": {"median_ms": 100.0, "queries": 30},
        "tenants_100_sheet_post": {"median_ms": 130.0, "queries": 31},
    }
    ratios = compute_ratios(results)
    assert ratios["tenants_100_vs_1_ledger"] == 1.1 and ratios["tenants_100_vs_1_sheet_post"] == 1.3
    assert ratios["tenants_100_vs_1_report"] is None
    assert TARGETS["tenants_100_vs_1_ledger"] == TARGETS["tenants_100_vs_1_sheet_post"] == 1.2
    assert tenants_queries(results) == {
        "ledger": {"1": 13, "100": 13, "equal": True},
        "sheet_post": {"1": 30, "100": 31, "equal": False},
    }
