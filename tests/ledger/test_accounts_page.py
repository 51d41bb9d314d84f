"""The accounts page (/buku/akun/): each account's balance, the total, the last bank match; constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ledger import selectors
from ledger.models import Account, AccountKind, Transfer, default_account_id
from ledger.services import record_balance_check
from tests.ledger.factories import hand_over, save_round
from tests.nightly.factories import make_rt
from tests.spending.factories import expense, income

pytestmark = pytest.mark.django_db

MAY_1 = dt.date(2026, 5, 1)


@pytest.fixture
def bank(kampung):
    return Account.objects.create(name="BRI Simpedes", kind=AccountKind.BANK, number="0099-01-777")


def test_page_shows_where_the_money_is(client_as, bendahara, bank):
    income(MAY_1, 900_000)
    Transfer.objects.create(transfer_date=MAY_1, from_account_id=default_account_id(), to_account=bank, amount=650_000)
    record_balance_check(account=bank, check_date=MAY_1, stated_balance=650_000, user=bendahara)
    page = client_as("bendahara").get(reverse("books:accounts")).content.decode()
    assert "Rp 250.000" in page and "Rp 650.000" in page and "Rp 900.000" in page  # Kas tunai, bank, total
    assert selectors.current_balance() == 900_000
    assert "Rekening bank" in page and "cocok" in page and "1 Mei 2026" in page
    assert "0099-01-777" not in page  # the number stays in the admin
    assert reverse("admin:ledger_transfer_add") in page


def test_pokja_reads_the_page_without_the_treasurers_buttons(client_as, bank):
    page = client_as("pokja").get(reverse("books:accounts")).content.decode()
    assert "BRI Simpedes" in page and reverse("admin:ledger_transfer_add") not in page


def test_page_queries_do_not_grow_with_records(client_as, bendahara, bank, django_assert_num_queries):
    client = client_as("bendahara")
    income(MAY_1, 100_000)
    client.get(reverse("books:accounts"))
    # Session and user, the default account, one aggregate per cash source (handover differences among them), two
    # for transfers, two for the openings, the accounts, the last checks, and what the patrol still holds.
    with django_assert_num_queries(19):
        client.get(reverse("books:accounts"))
    for day in range(2, 25):
        income(dt.date(2026, 5, day), 1_000)
        expense(dt.date(2026, 5, day), 500)
        record_balance_check(account=bank, check_date=dt.date(2026, 5, day), stated_balance=0, user=bendahara)
    Account.objects.create(name="Kotak", kind=AccountKind.BOX)
    with django_assert_num_queries(19):
        client.get(reverse("books:accounts"))


def test_the_page_shows_what_the_patrol_still_holds_and_the_cash_book_total(client_as, bendahara, bank):
    rt, households = make_rt(households=4)
    held = save_round(rt, households, dt.date(2026, 5, 3), bendahara)
    handed = save_round(rt, households, dt.date(2026, 5, 2), bendahara, amount=1_000)
    hand_over([handed], dt.date(2026, 5, 4), bendahara)
    page = client_as("pokja").get(reverse("books:accounts")).content.decode()
    assert 'data-figure="held">Rp 2.000<' in page  # the 3 May round, not yet handed over
    assert "Rp 4.000" in page and "Rp 6.000" in page  # Kas tunai, and the cash book's total with the held money
    assert held.total + handed.total == selectors.current_balance() == 6_000
