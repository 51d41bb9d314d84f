"""`/` shows where the balance is, by kind of account only (cash, bank), with the date of the latest bank match:
never an account's name or number. Its query count does not grow with accounts or months of transfers."""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from jimpitan.lib.money import format_rupiah
from jimpitan.models import KampungProfile, PrivacyLevel
from ledger import selectors
from ledger.models import Account, AccountKind, BalanceCheck, Transfer, default_account_id
from ledger.services import record_balance_check, record_transfer
from public.cache import invalidate_public_figures
from spending.models import OtherIncome
from tests.ledger.factories import hand_over, save_round
from tests.nightly.factories import make_rt
from tests.public.factories import seed_kampung

pytestmark = pytest.mark.django_db


def _where(client) -> dict[str, str]:
    html = client.get("/").content.decode()
    return dict(re.findall(r'data-where="([^"]+)">([^<]+)<', html))


def _balance(client) -> str:
    return re.search(r'data-figure="balance">([^<]+)<', client.get("/").content.decode()).group(1)


@pytest.mark.parametrize("level", PrivacyLevel.values)
def test_cash_and_bank_add_up_to_the_balance_and_name_no_account(client, bendahara, level):
    today = timezone.localdate()
    KampungProfile.objects.filter(pk=1).update(privacy_level=level)
    OtherIncome.objects.create(received_on=today - dt.timedelta(days=3), description="Donasi", amount=1_500_000)
    kas = Account.objects.get(pk=default_account_id())
    bank = Account.objects.create(name="BRI Simpedes Pak Darto", kind=AccountKind.BANK, number="0123-01-004567-50-3")
    Account.objects.create(name="Kotak pos ronda", kind=AccountKind.BOX)
    record_transfer(
        transfer_date=today - dt.timedelta(days=2), from_account=kas, to_account=bank, amount=1_000_000, user=bendahara
    )
    yesterday = today - dt.timedelta(days=1)
    record_balance_check(account=bank, check_date=yesterday, stated_balance=1_000_000, user=bendahara)
    page = client.get("/").content.decode()
    assert _where(client) == {"cash": "Rp 500.000", "bank": "Rp 1.000.000"}
    assert _balance(client) == "Rp 1.500.000"
    with translation.override("id"):
        matched_on = date_format(today - dt.timedelta(days=1), "j F Y")
    assert f'data-where-note="bank">Cocok dengan buku bank per {matched_on}<' in page
    for private in ("BRI Simpedes", "Darto", "0123-01-004567-50-3", "004567", "Kotak pos ronda"):
        assert private not in page


def test_only_cash_until_a_bank_account_exists(client, bendahara):
    OtherIncome.objects.create(received_on=timezone.localdate(), description="Donasi", amount=20_000)
    assert _where(client) == {"cash": "Rp 20.000"}
    assert "data-where-note" not in client.get("/").content.decode()


def test_a_transfer_moves_money_between_rows_and_a_check_shows_at_once(
    client, bendahara, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    OtherIncome.objects.create(received_on=today, description="Donasi", amount=300_000)
    bank = Account.objects.create(name="BRI", kind=AccountKind.EWALLET)
    assert _where(client) == {"cash": "Rp 300.000", "bank": "Rp 0"}
    kas = Account.objects.get(pk=default_account_id())
    with django_capture_on_commit_callbacks(execute=True):
        record_transfer(transfer_date=today, from_account=kas, to_account=bank, amount=120_000, user=bendahara)
    assert _where(client) == {"cash": "Rp 180.000", "bank": "Rp 120.000"}
    assert _balance(client) == "Rp 300.000"  # a transfer is neither income nor spending
    assert "data-where-note" not in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the receivers watch bank matches too
        record_balance_check(account=bank, check_date=today, stated_balance=120_000, user=bendahara)
    assert 'data-where-note="bank"' in client.get("/").content.decode()


def _accounts_and_months(accounts: int, months: int, today: dt.date) -> None:
    """`accounts` accounts in all (the default one included), and `months` months of monthly deposits to the bank
    and matched checks, written straight to the tables (the figures are not the point here, the queries are)."""
    kas = Account.objects.get(pk=default_account_id())
    extra = [("BRI", AccountKind.BANK), ("Kotak", AccountKind.BOX), ("DANA", AccountKind.EWALLET)][: accounts - 1]
    made = [Account.objects.create(name=name, kind=kind) for name, kind in extra]
    for n in range(months):
        day = today - dt.timedelta(days=30 * n + 1)
        for account in made:
            Transfer.objects.create(transfer_date=day, from_account=kas, to_account=account, amount=1_000)
            BalanceCheck.objects.create(account=account, check_date=day, stated_balance=5, app_balance=5)


@pytest.mark.parametrize(("accounts", "months"), [(1, 1), (3, 1), (1, 12), (3, 12)])
def test_queries_stay_flat_with_accounts_and_months(client, bendahara, accounts, months, django_assert_num_queries):
    today = timezone.localdate()
    seed_kampung(20, 1, today, rts=2, contribution_days=2)
    _accounts_and_months(accounts, months, today)
    client.get("/og.png")  # warms the once-per-process lookups (first-run check)
    invalidate_public_figures()
    with django_assert_num_queries(16):  # as tests/public/test_home.py pins it
        assert client.get("/").status_code == 200
    where = selectors.where_the_money_is(KampungProfile.load())
    held = selectors.held_outside_accounts()  # the seeded rounds were never handed over
    assert held > 0
    assert format_rupiah(where.total + held) == _balance(client)
    assert _where(client)["patrol"] == format_rupiah(held)


def test_the_patrols_money_is_its_own_row_until_handed_over(client, bendahara):
    """A round's money is in the balance from its evening; it is on no account until the treasurer receives it."""
    today = timezone.localdate()
    rt, houses = make_rt(number=8, households=4)
    rnd = save_round(rt, houses, today - dt.timedelta(days=2), bendahara, amount=1000)
    invalidate_public_figures()
    where = _where(client)
    assert where["patrol"] == format_rupiah(4_000) == _balance(client)
    assert where["cash"] == format_rupiah(0)
    hand_over([rnd], today, bendahara, counted=3_500, explanation="Satu koin palsu")
    invalidate_public_figures()
    where = _where(client)
    assert "patrol" not in where and where["cash"] == format_rupiah(3_500) == _balance(client)


def test_the_monthly_account_table_shows_the_patrol_and_adds_up(bendahara):
    first = dt.date(2026, 5, 1)
    rt, houses = make_rt(number=8, households=4)
    rounds = [save_round(rt, houses, first + dt.timedelta(days=day), bendahara, amount=500) for day in range(3)]
    hand_over(rounds[:2], first + dt.timedelta(days=2), bendahara)
    rows = {row.name: row for row in selectors.account_months(first, None)}
    held, kas = rows["Di petugas ronda"], rows["Kas tunai"]
    assert (held.money_in, held.transfers_out, held.closing) == (6_000, 4_000, 2_000)
    assert (kas.transfers_in, kas.closing) == (4_000, 4_000)
    total = sum(rows.values(), selectors.AccountMonth(None))
    assert total.closing == selectors.month_summary(first).closing == 6_000 and total.net_transfers == 0
