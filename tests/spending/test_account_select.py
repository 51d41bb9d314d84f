"""The expense and income forms name the account: Kas tunai unless the Bendahara picks another; a bank's
charges and interest are an ordinary expense and income on the bank account, under the same balance rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ledger.models import Account, AccountKind, default_account_id
from spending.models import Expense, OtherIncome
from tests.spending.factories import income

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(kampung):
    return Account.objects.create(name="BRI Simpedes", kind=AccountKind.BANK)


def test_forms_offer_the_active_accounts_with_kas_tunai_chosen(client_as, bank):
    Account.objects.create(name="Kotak lama", kind=AccountKind.BOX, is_active=False)
    client = client_as("bendahara")
    for name in ("spending:expense_create", "spending:income_create"):
        page = client.get(reverse(name)).content.decode()
        assert f'<option value="{default_account_id()}" selected>Kas tunai</option>' in page
        assert "BRI Simpedes" in page and "Kotak lama" not in page


def test_bank_interest_and_charges_on_the_bank_account(client_as, bank):
    income(dt.date(2026, 5, 1), 100_000)  # cash on Kas tunai only
    client = client_as("bendahara")
    interest = {"received_on": "2026-05-31", "source": "lain", "description": "Bunga bank", "amount": "1.250"}
    assert client.post(reverse("spending:income_create"), {**interest, "account": bank.pk}).status_code == 302
    assert OtherIncome.objects.get(description="Bunga bank").account == bank
    charge = {"spent_on": "2026-05-31", "description": "Biaya admin bank", "amount": "5.000", "account": bank.pk}
    response = client.post(reverse("spending:expense_create"), charge)
    assert response.status_code == 200  # 1.250 in the bank: the charge would take it below zero
    assert "BRI Simpedes" in str(response.context["form"].errors["amount"])
    charge["amount"] = "1.000"
    assert client.post(reverse("spending:expense_create"), charge).status_code == 302
    assert Expense.objects.get(description="Biaya admin bank").account == bank


def test_a_form_without_the_account_keeps_kas_tunai(client_as, kampung):
    income(dt.date(2026, 5, 1), 100_000)
    response = client_as("bendahara").post(
        reverse("spending:expense_create"), {"spent_on": "2026-05-02", "description": "Gas", "amount": "10.000"}
    )
    assert response.status_code == 302
    assert Expense.objects.get(description="Gas").account_id == default_account_id()
