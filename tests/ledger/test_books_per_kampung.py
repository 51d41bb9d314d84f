"""The books' rules hold per kampung: a closed month freezes only its own kampung's records, a row and the rows
it points at share one kampung, numbers, RTs and closings are unique within a kampung only, and check_ledger
names the kampung a problem is in. Proven past the ORM, on whichever engine the run uses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django_scopes import scopes_disabled

from households.models import RT, Household
from jimpitan.models import Kampung
from jimpitan.roles import BENDAHARA, grant_role
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate
from ledger.models import Account, IssuedNumber, MonthClosing, NumberKind, default_account_id
from nightly.models import Contribution, Round
from tests.ledger.factories import hand_over, save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)
EVENING = dt.date(2026, 5, 4)
CLOSED = "bulan sudah ditutup"
CHILD = "kampung tidak sama dengan induknya"
PARENT = "kampung tidak sama dengan baris yang merujuknya"


def _raw(sql: str, params: list) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.fixture
def other(db) -> Kampung:
    return Kampung.objects.create(slug="kampung-b", name="Kampung B")


@pytest.fixture
def two_books(bendahara, other):
    """RT 1 with two households and a round on 4 May in each kampung: (A's round, B's round)."""
    grant_role(user=bendahara, role=BENDAHARA, kampung_id=other.pk)  # one treasurer keeps both books here
    books = []
    for kampung_id in (FIRST_KAMPUNG_ID, other.pk):
        with activate(kampung_id):
            rt, households = make_rt(number=1, households=2)
            books.append(save_round(rt, households, EVENING, bendahara, amount=500))
    return books


def _close(kampung_id: int, user, month=MAY, balance=1000) -> MonthClosing:
    with activate(kampung_id):
        return MonthClosing.objects.create(month=month, closing_balance=balance, closed_by=user)


# --- closed months --------------------------------------------------------------------------------------------


def test_closing_a_month_freezes_only_its_own_kampungs_records(two_books, bendahara, other):
    round_a, round_b = two_books
    _close(FIRST_KAMPUNG_ID, bendahara)
    change = "UPDATE nightly_contribution SET amount = amount + 100 WHERE round_id = %s"
    with pytest.raises(IntegrityError, match=CLOSED):
        _raw(change, [round_a.pk])
    assert _raw(change, [round_b.pk]) == 2  # B's May is still open
    with pytest.raises(IntegrityError, match=CLOSED):
        _raw("DELETE FROM nightly_contribution WHERE round_id = %s", [round_a.pk])
    assert _raw("DELETE FROM nightly_contribution WHERE round_id = %s", [round_b.pk]) == 2
    with activate(other.pk):
        assert not Contribution.objects.filter(round=round_b).exists()
    with activate(FIRST_KAMPUNG_ID):
        assert set(Contribution.objects.filter(round=round_a).values_list("amount", flat=True)) == {500}


def test_an_account_opening_in_a_month_closed_elsewhere_is_allowed(bendahara, other):
    _close(FIRST_KAMPUNG_ID, bendahara)
    with activate(other.pk):
        bank = Account.objects.create(name="Bank B", opening_balance=1000, opening_date=dt.date(2026, 5, 10))
    with activate(FIRST_KAMPUNG_ID), pytest.raises(IntegrityError, match=CLOSED), transaction.atomic():
        Account.objects.create(name="Bank A", opening_balance=1000, opening_date=dt.date(2026, 5, 10))
    # Once B closes May too, B's opening freezes.
    _close(other.pk, bendahara)
    with pytest.raises(IntegrityError, match=CLOSED):
        _raw("UPDATE ledger_account SET opening_balance = 2000 WHERE id = %s", [bank.pk])


def test_every_closed_month_lookup_asks_for_a_kampung():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT prosrc FROM pg_proc")
        texts = [text for (text,) in cursor.fetchall() if text and "ledger_monthclosing" in text]
    lookups = [part[:60] for text in texts for part in text.replace("\n", " ").split("ledger_monthclosing")[1:]]
    assert len(lookups) >= (30 if connection.vendor == "sqlite" else 7)
    unqualified = [
        lookup
        for lookup in lookups
        if "kampung_id" not in lookup
        # the kept balances table (ledger_monthclosingbalance) and its triggers are names, not lookups
        and not lookup.startswith(("_no_update", " BEGIN", " FOR EACH", "balance", "_drop_balances"))
    ]
    assert unqualified == []


# --- a row's kampung is its parent's --------------------------------------------------------------------------


def test_a_row_cannot_point_at_another_kampungs_parent(two_books, other):
    round_a, round_b = two_books
    with activate(other.pk):
        rt_b = RT.objects.get(kampung=other)
        household_b = Household.objects.filter(kampung=other).first()
    with activate(FIRST_KAMPUNG_ID):
        household_a = Household.objects.filter(kampung_id=FIRST_KAMPUNG_ID).first()
    refused = [
        ("UPDATE households_household SET rt_id = %s WHERE id = %s", [rt_b.pk, household_a.pk]),
        ("UPDATE nightly_contribution SET household_id = %s WHERE round_id = %s", [household_b.pk, round_a.pk]),
        ("UPDATE nightly_contribution SET round_id = %s WHERE round_id = %s", [round_b.pk, round_a.pk]),
        ("UPDATE nightly_round SET rt_id = %s WHERE id = %s", [rt_b.pk, round_a.pk]),
        ("UPDATE nightly_contribution SET kampung_id = %s WHERE round_id = %s", [other.pk, round_a.pk]),
    ]
    for sql, params in refused:
        with pytest.raises(IntegrityError, match=CHILD):
            _raw(sql, params)
    with activate(other.pk), pytest.raises(IntegrityError, match=CHILD), transaction.atomic():
        Household.objects.create(rt=round_a.rt, address="No. 9", head_name="Pak Salah")


def test_a_handover_keeps_to_its_own_kampungs_account(two_books, bendahara, other):
    round_a, _round_b = two_books
    with activate(FIRST_KAMPUNG_ID):
        handover = hand_over([round_a], EVENING, bendahara)
    with activate(other.pk):
        account_b = default_account_id()
    with pytest.raises(IntegrityError, match=CHILD):
        _raw("UPDATE nightly_handover SET account_id = %s WHERE id = %s", [account_b, handover.pk])


def test_a_parent_cannot_move_to_another_kampung_under_its_rows(two_books, other):
    round_a, _round_b = two_books
    with pytest.raises(IntegrityError, match=PARENT):
        _raw("UPDATE households_rt SET kampung_id = %s WHERE id = %s", [other.pk, round_a.rt_id])
    with activate(FIRST_KAMPUNG_ID):
        empty = RT.objects.create(number=2)
    assert _raw("UPDATE households_rt SET kampung_id = %s WHERE id = %s", [other.pk, empty.pk]) == 1


def _tenant_keys() -> list[tuple[str, str, str]]:
    """(child table, column, parent table) of every key between two tenant tables of the live models."""
    tenant = {
        model._meta.db_table: model
        for model in apps.get_models()
        if "historical" not in model._meta.db_table
        and any(field.name == "kampung" and field.related_model is Kampung for field in model._meta.fields)
    }
    return [
        (table, field.column, field.related_model._meta.db_table)
        for table, model in tenant.items()
        for field in model._meta.fields
        if field.many_to_one and field.related_model._meta.db_table in tenant
    ]


def test_every_key_between_tenant_tables_is_guarded():
    keys = _tenant_keys()
    assert ("nightly_contribution", "round_id", "nightly_round") in keys
    assert len(keys) == 25
    with connection.cursor() as cursor:
        for child, column, parent in keys:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [f"{child}_kampung_parent_insert"])
            else:
                cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [f"{child}_kampung_parent"])
            (text,) = cursor.fetchone()
            assert f"FROM {parent} p WHERE p.id = NEW.{column} AND p.kampung_id <> NEW.kampung_id" in text


# --- unique per kampung ---------------------------------------------------------------------------------------


def test_two_kampungs_each_have_their_rt_1_round_numbers_and_closing(bendahara, other):
    for kampung_id in (FIRST_KAMPUNG_ID, other.pk):
        with activate(kampung_id):
            rt = RT.objects.create(number=1)
            Household.objects.create(rt=rt, address="1", head_name="Bu Sri")
            Round.objects.create(rt=rt, evening=EVENING)
            assert IssuedNumber.objects.issue(kind=NumberKind.EXPENSE, day=EVENING) == (2026, 1)
            MonthClosing.objects.create(month=MAY, closing_balance=0, closed_by=bendahara)
    with scopes_disabled():  # both kampungs' rows, counted together
        assert RT.objects.filter(number=1).count() == 2
        assert MonthClosing.objects.filter(month=MAY).count() == 2


def test_a_duplicate_inside_one_kampung_is_refused_by_the_database(bendahara, other):
    with activate(other.pk):
        rt = RT.objects.create(number=1)
        Round.objects.create(rt=rt, evening=EVENING)
        IssuedNumber.objects.issue(kind=NumberKind.EXPENSE, day=EVENING)
        MonthClosing.objects.create(month=MAY, closing_balance=0, closed_by=bendahara)
    duplicates = [
        "INSERT INTO households_rt (kampung_id, number, display_order) VALUES (%s, 1, 1)",
        "INSERT INTO nightly_round (kampung_id, rt_id, evening, collectors, notes, is_total_only, total, "
        f"households_listed, households_paid, recorded_at, updated_at, version) VALUES (%s, {rt.pk}, "
        f"'{EVENING}', '', '', FALSE, 0, 0, 0, '2026-05-04 21:00', '2026-05-04 21:00', 1)",
        "INSERT INTO ledger_issuednumber (kampung_id, year, seq, kind) VALUES (%s, 2026, 1, 'pengeluaran')",
        f"INSERT INTO ledger_monthclosing (kampung_id, month, closing_balance, closed_by_id, closed_at) "
        f"VALUES (%s, '{MAY}', 0, {bendahara.pk}, '2026-06-01 10:00')",
    ]
    for sql in duplicates:
        with pytest.raises(IntegrityError):
            _raw(sql, [other.pk])


# --- check_ledger ---------------------------------------------------------------------------------------------


def test_check_ledger_names_the_kampung_of_a_problem(two_books, other, capsys):
    _round_a, round_b = two_books
    _raw("UPDATE nightly_round SET total = total + 100 WHERE id = %s", [round_b.pk])
    with pytest.raises(CommandError):
        call_command("check_ledger")
    err = capsys.readouterr().err
    first = Kampung.objects.get(pk=FIRST_KAMPUNG_ID).slug
    assert f"Kampung kampung-b: Ronde #{round_b.pk} RT 1 malam 2026-05-04" in err
    assert f"Kampung {first}:" not in err
    call_command("check_ledger", kampung=first)
    assert "cocok" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("check_ledger", kampung="kampung-b")
    with pytest.raises(CommandError, match="tidak-ada"):
        call_command("check_ledger", kampung="tidak-ada")
