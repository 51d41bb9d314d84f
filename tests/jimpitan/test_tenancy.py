"""Tenants, stage A: every tenant row carries its kampung, the first kampung of a single-kampung install is
there without a query, and the kampung migration left every trigger in place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection

from households.models import RT, Household
from jimpitan.models import Kampung, KampungProfile
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate, active_kampung_id, kampung_slug
from ledger.models import Account, IssuedNumber, NumberKind, default_account_id
from nightly.models import Round

pytestmark = pytest.mark.django_db

# Every trigger a migrate of the code before the kampung key made (frozen from it): the key's migrations rebuild
# most tables on SQLite, and a rebuilt table loses its triggers unless they are put back.
SQLITE_TRIGGERS = {
    "households_awayperiod_overlap_insert",
    "households_awayperiod_overlap_update",
    "jimpitan_kampungprofile_opening_closed",
    "ledger_account_opening_closed_delete",
    "ledger_account_opening_closed_insert",
    "ledger_account_opening_closed_update",
    "ledger_adjustment_closed_delete",
    "ledger_adjustment_closed_insert",
    "ledger_adjustment_closed_update",
    "ledger_adjustment_number_insert",
    "ledger_adjustment_number_update",
    "ledger_balancecheck_closed_delete",
    "ledger_balancecheck_closed_insert",
    "ledger_balancecheck_closed_update",
    "ledger_issuednumber_next",
    "ledger_issuednumber_no_delete",
    "ledger_issuednumber_no_update",
    "ledger_monthclosing_no_update",
    "ledger_transfer_closed_delete",
    "ledger_transfer_closed_insert",
    "ledger_transfer_closed_update",
    "ledger_transfer_number_insert",
    "ledger_transfer_number_update",
    "nightly_catchup_closed_delete",
    "nightly_catchup_closed_insert",
    "nightly_catchup_closed_update",
    "nightly_catchup_household_update",
    "nightly_catchup_number_insert",
    "nightly_catchup_number_update",
    "nightly_catchupevening_delete",
    "nightly_catchupevening_insert",
    "nightly_catchupevening_update",
    "nightly_contribution_closed_delete",
    "nightly_contribution_closed_insert",
    "nightly_contribution_closed_update",
    "nightly_contribution_covered_insert",
    "nightly_contribution_covered_update",
    "nightly_contribution_handed_over_delete",
    "nightly_contribution_handed_over_insert",
    "nightly_contribution_handed_over_update",
    "nightly_handover_closed_delete",
    "nightly_handover_closed_insert",
    "nightly_handover_closed_update",
    "nightly_handover_number_insert",
    "nightly_handover_number_update",
    "nightly_round_closed_delete",
    "nightly_round_closed_insert",
    "nightly_round_closed_update",
    "nightly_round_handed_over_delete",
    "nightly_round_handed_over_update",
    "nightly_round_handover_link_insert",
    "nightly_round_handover_link_update",
    "spending_expense_closed_delete",
    "spending_expense_closed_insert",
    "spending_expense_closed_update",
    "spending_expense_number_insert",
    "spending_expense_number_update",
    "spending_otherincome_closed_delete",
    "spending_otherincome_closed_insert",
    "spending_otherincome_closed_update",
    "spending_otherincome_number_insert",
    "spending_otherincome_number_update",
}
POSTGRES_TRIGGERS = {
    "households_awayperiod_no_overlap",
    "jimpitan_kampungprofile_opening_closed",
    "ledger_account_opening_closed",
    "ledger_adjustment_closed_month",
    "ledger_adjustment_number",
    "ledger_balancecheck_closed_month",
    "ledger_issuednumber_guard",
    "ledger_monthclosing_no_update",
    "ledger_transfer_closed_month",
    "ledger_transfer_number",
    "nightly_catchup_closed_month",
    "nightly_catchup_household_guard",
    "nightly_catchup_number",
    "nightly_catchupevening_guard",
    "nightly_contribution_closed_month",
    "nightly_contribution_covered_guard",
    "nightly_contribution_guard",
    "nightly_handover_closed_month",
    "nightly_handover_number",
    "nightly_round_closed_month",
    "nightly_round_guard",
    "spending_expense_closed_month",
    "spending_expense_number",
    "spending_otherincome_closed_month",
    "spending_otherincome_number",
}
# The guards that keep a row in its parent's kampung (ledger 0014), named after their table: on SQLite an insert and
# an update trigger on each child table, on PostgreSQL one; and on each parent table one for a move of its kampung.
KAMPUNG_CHILDREN = [
    "jimpitan_signaturecolumn",
    "households_awayperiod",
    "households_household",
    "ledger_adjustment",
    "ledger_balancecheck",
    "ledger_monthclosingbalance",
    "ledger_transfer",
    "nightly_catchup",
    "nightly_catchupevening",
    "nightly_contribution",
    "nightly_handover",
    "nightly_phonetap",
    "nightly_rosterassignment",
    "nightly_rosterswap",
    "nightly_round",
    "spending_expense",
    "spending_otherincome",
]
KAMPUNG_PARENTS = [
    "jimpitan_kampungprofile",
    "households_household",
    "households_rt",
    "ledger_account",
    "nightly_catchup",
    "nightly_handover",
    "nightly_round",
    "spending_project",
]
SQLITE_KAMPUNG_TRIGGERS = {f"{table}_kampung_parent_{op}" for table in KAMPUNG_CHILDREN for op in ("insert", "update")}
POSTGRES_KAMPUNG_TRIGGERS = {f"{table}_kampung_parent" for table in KAMPUNG_CHILDREN}
PARENT_TRIGGERS = {f"{table}_kampung_children" for table in KAMPUNG_PARENTS}
# The kept balances of closed months (ledger 0015): kept only for a closed month, never changed, gone with it.
SQLITE_KEPT_BALANCE_TRIGGERS = {
    "ledger_monthclosingbalance_insert",
    "ledger_monthclosingbalance_update",
    "ledger_monthclosingbalance_delete",
    "ledger_monthclosing_drop_balances",
}
POSTGRES_KEPT_BALANCE_TRIGGERS = {"ledger_monthclosingbalance_guard", "ledger_monthclosing_drop_balances"}
TENANT_MODELS = [
    "households.RT",
    "households.Household",
    "households.AwayPeriod",
    "households.ImportColumnChoice",
    "jimpitan.SignatureColumn",
    "jimpitan.TreasurerHandover",
    "ledger.Account",
    "ledger.MonthClosing",
    "ledger.MonthClosingBalance",
    "ledger.MonthReopening",
    "ledger.IssuedNumber",
    "ledger.Adjustment",
    "ledger.Transfer",
    "ledger.BalanceCheck",
    "nightly.Handover",
    "nightly.Round",
    "nightly.Contribution",
    "nightly.PhoneTap",
    "nightly.RosterAssignment",
    "nightly.RosterSwap",
    "nightly.CatchUp",
    "nightly.CatchUpEvening",
    "spending.Project",
    "spending.Expense",
    "spending.OtherIncome",
]


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {name for (name,) in cursor.fetchall()}


def test_every_trigger_is_still_there_after_the_kampung_migrations():
    if connection.vendor == "sqlite":
        assert _triggers() == SQLITE_TRIGGERS | SQLITE_KAMPUNG_TRIGGERS | PARENT_TRIGGERS | SQLITE_KEPT_BALANCE_TRIGGERS
    else:
        assert _triggers() == (
            POSTGRES_TRIGGERS | POSTGRES_KAMPUNG_TRIGGERS | PARENT_TRIGGERS | POSTGRES_KEPT_BALANCE_TRIGGERS
        )


@pytest.mark.parametrize("label", TENANT_MODELS)
def test_every_tenant_table_and_its_history_carry_a_kampung_key_that_cannot_be_empty(label):
    model = apps.get_model(label)
    field = model._meta.get_field("kampung")
    assert field.related_model is Kampung
    assert not field.null
    with connection.cursor() as cursor:
        columns = {c.name: c for c in connection.introspection.get_table_description(cursor, model._meta.db_table)}
    assert not columns["kampung_id"].null_ok
    history = getattr(model, "history", None)
    if history is not None:
        assert "kampung" in {f.name for f in history.model._meta.fields}


@pytest.mark.parametrize("label", [*TENANT_MODELS, "jimpitan.Membership"])
def test_every_tenant_tables_indexes_lead_with_its_kampung_and_none_is_the_kampung_alone(label):
    """Issue 18: unique rules and indexes lead with the kampung, so that a deployment can partition by it. A lone
    kampung index adds nothing to them, and PostgreSQL's planner took it to read a kampung's whole history for
    one month of the report."""
    table = apps.get_model(label)._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table).values()
    indexes = [c["columns"] for c in constraints if (c["index"] or c["unique"]) and not c["primary_key"]]
    assert any(columns[0] == "kampung_id" for columns in indexes), indexes
    assert ["kampung_id"] not in indexes


def test_the_first_kampung_is_there_and_new_rows_take_it_without_a_query(django_assert_num_queries):
    assert Kampung.objects.get(pk=FIRST_KAMPUNG_ID).slug
    with django_assert_num_queries(0):
        rt = RT(number=7)
    assert rt.kampung_id == FIRST_KAMPUNG_ID == active_kampung_id()


def test_an_active_kampung_is_taken_by_new_rows_and_its_numbers_run_on_their_own():
    other = Kampung.objects.create(slug="kampung-lain", name="Kampung Lain")
    day = dt.date(2026, 3, 2)
    IssuedNumber.objects.issue(kind=NumberKind.EXPENSE, day=day)
    with activate(other.pk):
        rt = RT.objects.create(number=1)  # the same number as the first kampung's may have: unique per kampung
        RT.objects.create(number=1, kampung_id=FIRST_KAMPUNG_ID)
        household = Household.objects.create(rt=rt, address="No. 1", head_name="Bu Sri")
        evening = Round.objects.create(rt=rt, evening=day)
        assert IssuedNumber.objects.issue(kind=NumberKind.EXPENSE, day=day) == (2026, 1)
        assert Account.objects.get(pk=default_account_id()).kampung_id == other.pk  # its own Kas tunai
    assert {household.kampung_id, evening.kampung_id} == {other.pk}
    assert active_kampung_id() == FIRST_KAMPUNG_ID


def test_a_kampung_slug_comes_from_its_name():
    assert kampung_slug('Kampung KB Jimpitan "Kompak Berbagi Berkah"') == "kampung-kb-jimpitan-kompak-berbagi-berkah"
    assert kampung_slug("…") == "kampung"


def test_first_run_setup_names_the_first_kampung_after_the_profile(kampung):
    assert KampungProfile.load().kampung_id == FIRST_KAMPUNG_ID
    Kampung.ensure_first(name="Kampung Sukamaju")
    assert Kampung.objects.values_list("name", "slug").get(pk=FIRST_KAMPUNG_ID) == (
        "Kampung Sukamaju",
        "kampung-sukamaju",
    )
