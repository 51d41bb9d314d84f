"""The kampung migration (jimpitan 0009, households 0005, ledger 0011-0012, nightly 0014, spending 0006) turns
today's data into the first kampung: named after the profile, with every row of every tenant table, history
rows among them, in it; and the money still adds up the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps as today
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from jimpitan.tenancy import FIRST_KAMPUNG_ID

pytestmark = pytest.mark.django_db(transaction=True)

# Every app just before its kampung key (undoing the Kampung model undoes the keys with it).
BEFORE = [
    ("jimpitan", "0008_arrears_switch"),
    ("households", "0004_away_periods"),
    ("ledger", "0010_opening_balance_trigger_again"),
    ("nightly", "0013_catch_up_triggers"),
    ("spending", "0005_numbers"),
]
EVENING = dt.date(2026, 3, 2)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _numbered(apps, seq: int, kind: str) -> dict:
    apps.get_model("ledger", "IssuedNumber").objects.create(year=2026, seq=seq, kind=kind)
    return {"number_year": 2026, "number": seq}


def _households(apps, user) -> None:
    rt = apps.get_model("households", "RT").objects.create(number=1)
    house = apps.get_model("households", "Household").objects.create(rt=rt, address="No. 1", head_name="Bu Sri")
    apps.get_model("households", "HistoricalHousehold").objects.create(
        id=house.pk, rt_id=rt.pk, address="No. 1", head_name="Bu Sri", history_date=timezone.now(), history_type="+"
    )
    apps.get_model("households", "AwayPeriod").objects.create(household=house, starts_on=EVENING, ends_on=EVENING)
    apps.get_model("households", "ImportColumnChoice").objects.create(header="nama kk", field="head_name")
    round_ = apps.get_model("nightly", "Round").objects.create(
        rt=rt, evening=EVENING, total=500, households_listed=1, households_paid=1
    )
    apps.get_model("nightly", "Contribution").objects.create(
        round=round_, household=house, evening=EVENING, amount=500, state="dibayar"
    )
    apps.get_model("nightly", "RosterAssignment").objects.create(rt=rt, kind="hari", weekday=0, name="Pak Budi")
    apps.get_model("nightly", "RosterSwap").objects.create(
        rt=rt, evening=EVENING, requested_by_id=user.pk, replacement_name="Pak Joko", reason="Sakit"
    )


def _books(apps, user) -> None:
    profile = apps.get_model("jimpitan", "KampungProfile").objects.create(pk=1, name="Kampung Sukamaju RW 05")
    apps.get_model("jimpitan", "SignatureColumn").objects.create(profile=profile, position=1, role="Ketua")
    account_model = apps.get_model("ledger", "Account")
    kas = account_model.objects.filter(is_default=True).first() or account_model.objects.create(
        name="Kas tunai", is_default=True
    )
    bank = account_model.objects.create(name="BRI", kind="bank")
    apps.get_model("spending", "Project").objects.create(name="Lampu gang")
    apps.get_model("spending", "Expense").objects.create(
        spent_on=EVENING, description="Senter", amount=20_000, account=kas, **_numbered(apps, 1, "pengeluaran")
    )
    apps.get_model("spending", "OtherIncome").objects.create(
        received_on=EVENING, description="Donasi", amount=90_000, account=kas, **_numbered(apps, 2, "pemasukan")
    )
    apps.get_model("ledger", "Transfer").objects.create(
        transfer_date=EVENING, from_account=kas, to_account=bank, amount=10_000, **_numbered(apps, 3, "pindah")
    )
    apps.get_model("ledger", "BalanceCheck").objects.create(
        account=bank, check_date=EVENING, stated_balance=10_000, app_balance=10_000
    )
    apps.get_model("ledger", "MonthReopening").objects.create(
        month=dt.date(2026, 2, 1), reason="Salah catat", previous_closing_balance=0, reopened_by_id=user.pk
    )


TENANT_TABLES = [
    "households.RT",
    "households.Household",
    "households.HistoricalHousehold",
    "households.AwayPeriod",
    "households.ImportColumnChoice",
    "jimpitan.SignatureColumn",
    "ledger.Account",
    "ledger.IssuedNumber",
    "ledger.Transfer",
    "ledger.BalanceCheck",
    "ledger.MonthReopening",
    "nightly.Round",
    "nightly.Contribution",
    "nightly.RosterAssignment",
    "nightly.RosterSwap",
    "spending.Project",
    "spending.Expense",
    "spending.OtherIncome",
]


def test_todays_data_becomes_the_first_kampung_named_after_its_profile():
    old = _migrate(BEFORE)
    user = User.objects.create(username="bendahara")
    _books(old, user)
    _households(old, user)
    _migrate(_latest())

    kampung = today.get_model("jimpitan", "Kampung").objects.get()
    assert (kampung.pk, kampung.name, kampung.slug) == (
        FIRST_KAMPUNG_ID,
        "Kampung Sukamaju RW 05",
        "kampung-sukamaju-rw-05",
    )
    assert today.get_model("jimpitan", "KampungProfile").objects.get().kampung_id == kampung.pk
    for label in TENANT_TABLES:
        keys = list(today.get_model(label).objects.values_list("kampung_id", flat=True))
        assert keys, label
        assert set(keys) == {kampung.pk}, label
    # Numbers go on per kampung and year after the three the old books had.
    issued = today.get_model("ledger", "IssuedNumber").objects
    assert issued.issue(kind="koreksi", day=EVENING) == (2026, 4)
