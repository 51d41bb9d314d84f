"""The Berita Acara Serah Terima Bendahara read back against the books: the balances per account with the last
bank match, the money still with the patrol, the open months, the unapproved expenses and the differences, on
the handover date (later records and later approvals change nothing in it), in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from jimpitan.lib.money import format_rupiah
from jimpitan.services import record_committee_handover, save_signature_columns
from ledger import selectors
from ledger.models import Account, AccountKind, BalanceCheck, Transfer, default_account_id
from ledger.services import close_month
from reports import handover
from reports.handover_pdf import build_pdf
from spending.models import Expense, OtherIncome
from tests.access import FORBIDDEN, LOGIN, OK, ROLES, assert_access
from tests.ledger.factories import hand_over, save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 15)
JAKARTA = ZoneInfo("Asia/Jakarta")


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=JAKARTA)


@pytest.fixture
def books(kampung, bendahara, pokja):
    """October is closed, November open. A handover with a shortfall in October; on the handover day one round is
    still with the patrol and another handed over only after it. A bank account matched at the end of October, an
    e-wallet whose check did not match. Expenses approved before, after, and never."""
    save_signature_columns(
        profile=kampung, rows=[{"role": "Ketua RW 05", "name": "Pak Harjo"}, {"role": "Bendahara", "name": "Bu Ani"}]
    )
    cash = Account.objects.get(pk=default_account_id())
    OtherIncome.objects.create(received_on=dt.date(2026, 10, 1), description="Donasi", amount=100_000, account=cash)
    rt, houses = make_rt(3, households=4)
    october = save_round(rt, houses, dt.date(2026, 10, 5), bendahara, amount=1000)
    hand_over([october], dt.date(2026, 10, 6), bendahara, counted=3500, explanation="Uang receh jatuh di selokan")
    held = save_round(rt, houses, dt.date(2026, 11, 10), bendahara, amount=500)
    later = save_round(rt, houses, dt.date(2026, 11, 12), bendahara, amount=700)
    hand_over([later], dt.date(2026, 11, 20), bendahara)
    bank = Account.objects.create(name="Rekening BRI", kind=AccountKind.BANK)
    wallet = Account.objects.create(name="Dompet DANA", kind=AccountKind.EWALLET)
    Transfer.objects.create(transfer_date=dt.date(2026, 10, 10), from_account=cash, to_account=bank, amount=20_000)
    BalanceCheck.objects.create(
        account=bank, check_date=dt.date(2026, 10, 31), stated_balance=20_000, app_balance=20_000
    )
    BalanceCheck.objects.create(account=wallet, check_date=dt.date(2026, 11, 1), stated_balance=5_000, app_balance=0)

    def expense(day, description, amount, approved_on=None):
        made = Expense.objects.create(
            spent_on=day, description=description, amount=amount, account=cash, recorded_by=bendahara
        )
        if approved_on:
            Expense.objects.filter(pk=made.pk).update(approved_by=pokja, approved_at=_at(approved_on))

    expense(dt.date(2026, 10, 20), "Senter ronda", 4_000, approved_on=dt.date(2026, 10, 21))
    expense(dt.date(2026, 11, 2), "Bohlam pos ronda", 7_000)
    expense(dt.date(2026, 11, 3), "Cat gapura", 5_000, approved_on=dt.date(2026, 11, 18))
    expense(dt.date(2026, 11, 16), "Sesudah serah terima", 9_000)
    close_month(dt.date(2026, 10, 1), bendahara, today=DAY)
    return {"bank": bank, "wallet": wallet, "cash": cash, "held": held, "later": later}


def _parties() -> handover.Parties:
    return handover.Parties(outgoing="Bu Ani", incoming="Pak Budi", chair_title="Ketua RW 05", chair_name="Pak Harjo")


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_figures_are_the_books_on_the_day(books):
    doc = handover.build(DAY, _parties())
    balances = {line.account.name: line.balance for line in doc.accounts}
    assert balances == {a.account.name: a.balance for a in selectors.account_balances(DAY) if a.account.is_active}
    assert balances["Rekening BRI"] == 20_000 and balances["Dompet DANA"] == 0
    assert doc.accounts_total == selectors.balance_at(DAY)
    assert doc.held == selectors.held_outside_accounts(DAY) == 4 * 500 + 4 * 700
    assert sum(group.total for group in doc.held_groups) == doc.held
    assert {line.account.name: line.last_match for line in doc.accounts}["Rekening BRI"].stated_balance == 20_000
    assert doc.open_months == [dt.date(2026, 11, 1)]
    assert [e.description for e in doc.unapproved] == ["Bohlam pos ronda", "Cat gapura"]
    assert doc.unapproved_total == 12_000
    assert [h.difference for h in doc.handover_differences] == [-500]
    assert [c.account.name for c in doc.unmatched_checks] == ["Dompet DANA"] and not doc.broken_checks


def _line(text: str, start: str) -> str:
    return [line for line in text.splitlines() if line.strip().startswith(start)][-1]


def test_pdf_text_reads_back_the_books(books):
    doc = handover.build(DAY, _parties())
    text = _pdf_text(build_pdf(doc))
    assert "Berita Acara Serah Terima Bendahara" in text
    for line in doc.accounts:
        assert _line(text, line.account.name).endswith(format_rupiah(line.balance))
    assert "31 Oktober 2026: Rp 20.000" in _line(text, "Rekening BRI")
    assert _line(text, "Di petugas ronda").endswith(format_rupiah(doc.held))
    assert _line(text, "Saldo buku kas").endswith(format_rupiah(selectors.balance_at(DAY)))
    assert _line(text, "Total di petugas").endswith(format_rupiah(doc.held))
    assert "November 2026." in text
    assert "2 pengeluaran, jumlah Rp 12.000." in text
    assert "Bohlam pos ronda" in text and "Cat gapura" in text
    assert "Senter ronda" not in text and "Sesudah serah terima" not in text
    assert "Uang receh jatuh di selokan" in text and format_rupiah(-500, sign=True) in text
    assert "Dompet DANA" in _line(text, "Dompet DANA") and format_rupiah(5_000) in _line(text, "Dompet DANA")
    for signer in ("Yang menyerahkan,", "Mengetahui,", "Yang menerima,", "Bu Ani", "Pak Budi", "Pak Harjo"):
        assert signer in text
    assert "Batujaya, 15 November 2026" in text


def test_the_recorded_handover_prints_its_own_day_and_people(client, books, bendahara, django_user_model):
    result = record_committee_handover(
        handed_over_on=DAY,
        outgoing=bendahara,
        new_username="pak_budi",
        new_full_name="Pak Budi Santoso",
        chair_title="Ketua RW 05",
        chair_name="Pak Harjo",
        recorded_by=bendahara,
    )
    client.force_login(bendahara)  # read-only now, and still reads the document they signed
    response = client.get(reverse("reports:handover_download", args=[result.handover.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Pak Budi Santoso" in text and "Bendahara" in text and "Batujaya, 15 November 2026" in text
    assert _line(text, "Saldo buku kas").endswith(format_rupiah(selectors.balance_at(DAY)))
    page = client.get(reverse("reports:handover_detail", args=[result.handover.pk])).content.decode()
    assert "Pak Budi Santoso" in page and format_rupiah(handover.build_for(result.handover).held) in page


def test_differences_handed_over_before_are_not_listed_again(books, bendahara, pokja):
    record_committee_handover(
        handed_over_on=dt.date(2026, 10, 31),
        outgoing=bendahara,
        incoming=pokja,
        chair_title="Ketua",
        chair_name="Pak Harjo",
        recorded_by=bendahara,
    )
    doc = handover.build(DAY, _parties(), since=handover.previous_handover_day())
    assert doc.since == dt.date(2026, 10, 31) and not doc.handover_differences


def test_the_queries_do_not_grow_with_the_books(books, bendahara):
    with CaptureQueriesContext(connection) as before:
        handover.build(DAY, _parties())
    rt, houses = make_rt(4, households=3)
    for day in (1, 2, 3, 4):
        save_round(rt, houses, dt.date(2026, 11, day), bendahara)
    Account.objects.create(name="Kotak amal", kind=AccountKind.BOX)
    Expense.objects.create(spent_on=dt.date(2026, 11, 5), description="Tali", amount=1_000, recorded_by=bendahara)
    with CaptureQueriesContext(connection) as after:
        handover.build(DAY, _parties())
    # The accounts' movements twice (the balances on the day, and the proof of every matched bank check), the cash
    # book's months once (the open months), the patrol's rounds, the checks, the expenses, the differences; the
    # catch-ups are one more cash source in each of the three.
    assert len(after) == len(before) == 41


def test_the_preview_shows_a_chosen_day(client, books, bendahara):
    client.force_login(bendahara)
    response = client.get(reverse("reports:handover_preview") + "?tanggal=2026-11-15")
    assert response.status_code == 200
    page = response.content.decode()
    assert format_rupiah(selectors.balance_at(DAY)) in page and "Bohlam pos ronda" in page
    assert "Batujaya, 15 November 2026" in page
    for bad, message in (("kemarin", "YYYY-MM-DD"), ("2999-01-01", "")):
        response = client.get(reverse("reports:handover_preview") + f"?tanggal={bad}")
        assert response.status_code == 400 and message in response.content.decode()


@pytest.fixture
def recorded(kampung, django_user_model):
    """A past handover between two people who are not the test roles, so the roles stay as they are."""
    from jimpitan.models import TreasurerHandover

    old = django_user_model.objects.create_user(username="lama", first_name="Bu Lama")
    new = django_user_model.objects.create_user(username="baru", first_name="Pak Baru")
    return TreasurerHandover.objects.create(
        handed_over_on=dt.date(2026, 1, 2), outgoing=old, incoming=new, chair_name="Pak Harjo", recorded_by=old
    )


# page -> expected outcome for (anonymous, petugas, pokja, bendahara)
MATRIX = {
    "reports:handover_list": (LOGIN, FORBIDDEN, OK, OK),
    "reports:handover_create": (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    "reports:handover_preview": (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    "reports:handover_detail": (LOGIN, FORBIDDEN, OK, OK),
    "reports:handover_download": (LOGIN, FORBIDDEN, OK, OK),
}


@pytest.mark.parametrize("name", MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_access_matrix(client_as, recorded, name, role_index):
    args = [recorded.pk] if name in ("reports:handover_detail", "reports:handover_download") else []
    assert_access(client_as(ROLES[role_index]), reverse(name, args=args), MATRIX[name][role_index])
