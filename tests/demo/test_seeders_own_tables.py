"""Each app's demo seeder, and each app's wipe, changes only its own app's tables.

Every table of every project app (and the users) is read whole before and after one seeder runs; any
difference outside the seeder's own app fails the test, whether rows were added, changed or deleted.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import connection, transaction

from demo.seeding import close_old_months, period_for, seed_demo, wipe_bookkeeping
from households.demo import seed_households, wipe_households
from jimpitan.lib.months import month_start
from ledger.demo import seed_accounts, wipe_ledger
from nightly.demo import seed_rounds, wipe_rounds
from public.cache import public_cache_version
from spending.demo import seed_spending, wipe_spending

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("jimpitan", "households", "ledger", "nightly", "spending", "public", "reports", "demo")
WATCHED_APPS = (*PROJECT_APPS, "auth")
NUMBERS = "ledger.ledger_issuednumber"
FIRST, LAST = period_for(4, today_evening=dt.date(2025, 5, 10))


def _tables() -> dict[str, list[tuple]]:
    """Every row of every table of the project apps and auth, by table, in a stable order."""
    contents = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label in WATCHED_APPS:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"SELECT * FROM {table}")
                contents[f"{model._meta.app_label}.{model._meta.db_table}"] = sorted(cursor.fetchall(), key=repr)
    return contents


def _changed_tables(step: Callable[[], object]) -> set[str]:
    before = _tables()
    step()
    after = _tables()
    return {table for table in before if before[table] != after[table]}


def _apps_of(tables: set[str]) -> set[str]:
    return {table.split(".")[0] for table in tables}


@pytest.fixture
def rng() -> random.Random:
    return random.Random(5)


def _households(rng):
    return seed_households(rng=rng, households=40, first=FIRST, last=LAST)


def _rounds(rng, households, recorder):
    return seed_rounds(rng=rng, households=households, first=FIRST, last=LAST, recorder_ids=[recorder.pk])


def test_the_households_seeder_writes_only_households_tables(kampung, rng):
    changed = _changed_tables(lambda: _households(rng))
    assert _apps_of(changed) == {"households"}


def test_the_nightly_seeder_writes_only_nightly_tables(bendahara, rng):
    households = _households(rng)
    changed = _changed_tables(lambda: _rounds(rng, households, bendahara))
    assert _apps_of(changed) == {"nightly"}


def test_the_spending_seeder_writes_only_spending_tables(bendahara, rng):
    _rounds(rng, _households(rng), bendahara)
    changed = _changed_tables(
        lambda: seed_spending(
            rng=rng, first_month=month_start(FIRST), last_month=month_start(LAST), recorded_by=bendahara
        )
    )
    # The one shared table: every app's money documents take their numbers from the ledger's sequence.
    assert NUMBERS in changed
    assert _apps_of(changed - {NUMBERS}) == {"spending"}


def test_the_accounts_seeder_writes_only_ledger_tables(bendahara, rng):
    _rounds(rng, _households(rng), bendahara)
    changed = _changed_tables(lambda: seed_accounts(first_month=month_start(FIRST), last=LAST, user=bendahara))
    assert _apps_of(changed) == {"ledger"}


def test_closing_the_old_months_writes_only_ledger_tables(bendahara, rng):
    _rounds(rng, _households(rng), bendahara)
    changed = _changed_tables(
        lambda: close_old_months(first=month_start(FIRST), last=month_start(LAST), user=bendahara, today=LAST)
    )
    assert _apps_of(changed) == {"ledger"}


@pytest.mark.parametrize(
    "wipe, app",
    [
        (wipe_ledger, "ledger"),
        (wipe_rounds, "nightly"),
        (wipe_spending, "spending"),
        (wipe_households, "households"),
    ],
)
def test_each_wipe_empties_only_its_own_tables(kampung, wipe, app):
    seed_demo(households=30, months=4, seed=3, today_evening=dt.date(2025, 5, 10))
    # Each wipe needs the ones before it (closings guard rows; rounds point at households).
    for earlier in (wipe_ledger, wipe_rounds, wipe_spending, wipe_households):
        if earlier is wipe:
            break
        earlier()
    changed = _changed_tables(wipe)
    assert _apps_of(changed) == {app}
    assert all(not rows for table, rows in _tables().items() if table in changed)


def test_wipe_bookkeeping_leaves_the_profile_and_users(kampung):
    seed_demo(households=30, months=4, seed=3, today_evening=dt.date(2025, 5, 10))
    changed = _changed_tables(wipe_bookkeeping)
    assert _apps_of(changed) == {"households", "ledger", "nightly", "spending"}


@pytest.mark.django_db(transaction=True)
def test_rounds_written_with_raw_sql_still_refresh_the_public_pages(bendahara, rng):
    # Committed for real: the refresh runs on commit, and the households' own saves refresh at once.
    households = _households(rng)
    version = public_cache_version()
    with transaction.atomic():
        _rounds(rng, households, bendahara)
        assert public_cache_version() == version  # not before the rows are committed
    assert public_cache_version() != version
