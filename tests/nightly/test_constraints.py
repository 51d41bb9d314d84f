"""The database itself refuses bad rounds and contributions, whatever code writes them."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from nightly.models import Contribution, Round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

EVENING = dt.date(2026, 5, 4)


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_round(rt_id: int, evening=EVENING, total=0) -> None:
    _raw(
        f"INSERT INTO {Round._meta.db_table} (rt_id, evening, collectors, notes, is_total_only, total, "
        "households_listed, households_paid, recorded_at, updated_at, version) "
        "VALUES (%s, %s, '', '', %s, %s, 0, 0, %s, %s, 1)",
        [rt_id, EVENING if evening is None else evening, False, total, "2026-05-04 21:00:00", "2026-05-04 21:00:00"],
    )


def _insert_contribution(round_id, household_id, amount, state="dibayar", evening=EVENING) -> None:
    _raw(
        f"INSERT INTO {Contribution._meta.db_table} (round_id, household_id, evening, amount, state, note) "
        "VALUES (%s, %s, %s, %s, %s, '')",
        [round_id, household_id, evening, amount, state],
    )


@pytest.fixture
def setup(db):
    rt, households = make_rt(households=2)
    _insert_round(rt.pk)
    return rt, households, Round.objects.get()


def test_negative_amount_is_refused_by_the_database(setup):
    _rt, households, rnd = setup
    with pytest.raises(IntegrityError):
        _insert_contribution(rnd.pk, households[0].pk, -500)


def test_paid_with_zero_and_empty_with_money_are_refused(setup):
    _rt, households, rnd = setup
    with pytest.raises(IntegrityError):
        _insert_contribution(rnd.pk, households[0].pk, 0, "dibayar")
    with pytest.raises(IntegrityError):
        _insert_contribution(rnd.pk, households[0].pk, 500, "kosong")


def test_one_contribution_per_household_per_evening(setup):
    _rt, households, rnd = setup
    _insert_contribution(rnd.pk, households[0].pk, 500)
    with pytest.raises(IntegrityError):
        _insert_contribution(rnd.pk, households[0].pk, 200)
    assert Contribution.objects.count() == 1


def test_one_round_per_rt_per_evening(setup):
    rt, _households, _rnd = setup
    with pytest.raises(IntegrityError):
        _insert_round(rt.pk)
    _insert_round(rt.pk, evening=EVENING + dt.timedelta(days=1))
    assert Round.objects.count() == 2


def test_negative_round_total_is_refused(setup):
    rt, _households, _rnd = setup
    with pytest.raises(IntegrityError):
        _insert_round(rt.pk, evening=EVENING + dt.timedelta(days=2), total=-1)
