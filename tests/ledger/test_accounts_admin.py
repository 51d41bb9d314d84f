"""The Bendahara manages the accounts and records transfers in the admin: balances and totals on the list,
the services' refusals next to the fields, query counts that do not grow with the records."""

from __future__ import annotations

import datetime as dt

import pytest

from ledger.models import Account, AccountKind, Transfer, default_account_id
from ledger.services import close_month
from spending import services
from spending.models import Expense
from tests.spending.factories import expense, income

pytestmark = pytest.mark.django_db

MAY_1 = dt.date(2026, 5, 1)


@pytest.fixture
def bank(kampung):
    return Account.objects.create(name="BRI Simpedes", kind=AccountKind.BANK)


def test_account_list_shows_each_balance_and_the_total(client_as, bank):
    income(MAY_1, 750_000)
    expense(dt.date(2026, 5, 2), 50_000)
    page = client_as("bendahara").get("/admin/ledger/account/").content.decode()
    assert "Kas tunai" in page and "BRI Simpedes" in page
    assert "Rp 700.000" in page  # Kas tunai's balance, and the total of the listed accounts


def test_account_list_queries_do_not_grow_with_records(client_as, bank, django_assert_max_num_queries):
    client = client_as("bendahara")
    income(MAY_1, 10_000)
    client.get("/admin/ledger/account/")
    with django_assert_max_num_queries(33) as few:  # 33 measured (31 before catch-ups were a source)
        client.get("/admin/ledger/account/")
    for day in range(2, 20):
        income(dt.date(2026, 5, day), 1_000)
        expense(dt.date(2026, 5, day), 500)
    Account.objects.create(name="Kotak", kind=AccountKind.BOX)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/admin/ledger/account/")


def test_bendahara_adds_an_account_with_its_opening_balance(client_as):
    response = client_as("bendahara").post(
        "/admin/ledger/account/add/",
        {
            "name": "Dana",
            "kind": "ewallet",
            "number": "0812",
            "opening_balance": "150.000",
            "opening_date": "2026-05-01",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = Account.objects.get(name="Dana")
    assert (account.opening_balance, account.opening_date, account.is_default) == (150_000, MAY_1, False)


def test_lowering_an_opening_balance_below_what_was_spent_is_refused(client_as, bendahara):
    bank = Account.objects.create(name="BRI", kind="bank", opening_balance=100_000, opening_date=MAY_1)
    services.save_expense(
        Expense(spent_on=dt.date(2026, 5, 3), description="Biaya admin", amount=80_000, account=bank), user=bendahara
    )
    response = client_as("bendahara").post(
        f"/admin/ledger/account/{bank.pk}/change/",
        {"name": "BRI", "kind": "bank", "opening_balance": "50.000", "opening_date": "2026-05-01", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "tidak cukup" in str(response.context["adminform"].form.errors["opening_balance"])
    assert Account.objects.get(pk=bank.pk).opening_balance == 100_000


def test_transfer_is_recorded_through_the_service_and_refused_when_short(client_as, bank):
    income(MAY_1, 300_000)
    client = client_as("bendahara")
    data = {"transfer_date": "2026-05-04", "from_account": default_account_id(), "to_account": bank.pk, "note": "Setor"}
    response = client.post("/admin/ledger/transfer/add/", {**data, "amount": "300.001"})
    assert response.status_code == 200 and "tidak cukup" in str(response.context["adminform"].form.errors)
    response = client.post("/admin/ledger/transfer/add/", {**data, "amount": "300.000"})
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.amount, transfer.recorded_by.username) == (300_000, "bendahara")
    assert transfer.history.get().history_user.username == "bendahara"


def test_a_closed_month_transfer_is_read_only(client_as, bendahara, bank):
    income(dt.date(2026, 1, 2), 300_000)
    Transfer.objects.create(
        transfer_date=dt.date(2026, 1, 5), from_account_id=default_account_id(), to_account=bank, amount=1_000
    )
    close_month(dt.date(2026, 1, 1), bendahara, today=MAY_1)
    transfer = Transfer.objects.get()
    client = client_as("bendahara")
    assert client.get(f"/admin/ledger/transfer/{transfer.pk}/delete/").status_code == 403
    page = client.get("/admin/ledger/transfer/").content.decode()
    assert "Rp 1.000" in page


def test_an_account_with_money_cannot_be_retired_and_an_empty_one_can(client_as, bendahara, bank):
    income(MAY_1, 300_000)
    Transfer.objects.create(transfer_date=MAY_1, from_account_id=default_account_id(), to_account=bank, amount=120_000)
    change = {"name": "BRI Simpedes", "kind": "bank", "opening_balance": "0", "opening_date": ""}
    client = client_as("bendahara")
    response = client.post(f"/admin/ledger/account/{bank.pk}/change/", change)  # "aktif" unticked
    assert response.status_code == 200
    assert "Rp 120.000" in str(response.context["adminform"].form.errors["is_active"])
    assert Account.objects.get(pk=bank.pk).is_active
    Transfer.objects.create(transfer_date=MAY_1, from_account=bank, to_account_id=default_account_id(), amount=120_000)
    assert client.post(f"/admin/ledger/account/{bank.pk}/change/", change).status_code == 302
    assert not Account.objects.get(pk=bank.pk).is_active


def test_the_default_account_is_never_retired(client_as, kampung):
    response = client_as("bendahara").post(
        f"/admin/ledger/account/{default_account_id()}/change/",
        {"name": "Kas tunai", "kind": "tunai", "opening_balance": "0", "opening_date": ""},
    )
    assert response.status_code == 200 and "is_active" in response.context["adminform"].form.errors
    assert Account.objects.get(pk=default_account_id()).is_active
