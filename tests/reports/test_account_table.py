"""Issue 16 §5: the monthly PDF and XLSX carry a per-account table (opening, in, out, transfers, closing). Read back
from the exported files: each row adds up, the transfers add up to nothing, and the total closing is the cash book's.
The report's query count does not grow with accounts or with months of transfers and bank matches."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from demo.seeding import seed_demo
from jimpitan.lib.months import month_start, next_month
from ledger.models import Account, AccountKind, BalanceCheck, Transfer, default_account_id
from ledger.selectors import account_balance_at, held_outside_accounts, month_summary
from reports import data
from reports.pdf import build_pdf
from reports.xlsx import build_xlsx
from spending.models import OtherIncome
from tests.figures_addup import amount

pytestmark = pytest.mark.django_db

# Measured with 1 and 3 accounts, 1 and 12 months of transfers and checks: the same. The per-account table costs
# 9 of each (the accounts, one per cash source, a second for the rounds as handed over, two for transfers); the
# handover differences are one more cash source, and the report lists them (one more); catch-ups likewise (a cash
# source, in the flows and the per-account table, and their list).
# The meeting recap reads the month's contributions apart from the households, its away periods, and the evenings
# paid by catch-ups with the contributions of those evenings (two).
REPORT_PAGE_QUERIES = 39
XLSX_QUERIES = 35
PDF_QUERIES = 33  # with the signing columns


@pytest.fixture
def months():
    """The demo's books (Kas tunai, the bank with monthly deposits and matches, the cash box), oldest month first."""
    result = seed_demo(households=30, months=3, seed=5)
    out, month = [], month_start(result.first_evening)
    while month <= month_start(timezone.localdate()):
        out.append(month)
        month = next_month(month)
    return out


def _xlsx_rows(month: dt.date) -> dict[str, tuple]:
    sheet = load_workbook(io.BytesIO(build_xlsx(data.build(month))), read_only=True)["Saldo per Akun"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Akun",
        "Jenis",
        "Saldo awal",
        "Masuk",
        "Keluar",
        "Pindah kas masuk",
        "Pindah kas keluar",
        "Saldo akhir",
    )
    return {row[0]: row[2:] for row in rows[1:]}


ROW = re.compile(r"^\s*(\S.*?)\s{2,}(Rp [\d.]+)\s+(Rp [\d.]+)\s+(Rp [\d.]+)\s+([+\-−]?Rp [\d.]+)\s+(Rp [\d.]+)\s*$")


def _pdf_rows(month: dt.date) -> dict[str, tuple[int, ...]]:
    """The per-account table's lines of the PDF's text: name, opening, in, out, net transfers, closing."""
    pdf = build_pdf(data.build(month))
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    lines = text.decode().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Saldo per akun")
    rows = {}
    for line in lines[start + 1 :]:
        match = ROW.match(line)
        if match:
            rows[match.group(1)] = tuple(amount(figure) for figure in match.groups()[1:])
        if "Total" in rows:
            return rows
    raise AssertionError(f"no total row in {lines[start : start + 12]}")


def _last_day(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def test_xlsx_account_table_adds_up_to_the_cash_book(months):
    assert Account.objects.count() == 3
    for month in months:
        rows = _xlsx_rows(month)
        accounts = {name: figures for name, figures in rows.items() if name != "Total"}
        # The demo's handovers lag the rounds: the patrol's holding is a row of its own.
        assert set(accounts) == {"Kas tunai", "BRI Simpedes RW 05", "Kotak kas pos ronda", "Di petugas ronda"}
        for name, (opening, money_in, money_out, t_in, t_out, closing) in accounts.items():
            assert opening + money_in - money_out + t_in - t_out == closing, (month, name)
            if name == "Di petugas ronda":
                assert closing == held_outside_accounts(_last_day(month)), month
                continue
            assert closing == account_balance_at(Account.objects.get(name=name).pk, _last_day(month))
        total = rows["Total"]
        assert tuple(map(sum, zip(*accounts.values(), strict=True))) == total
        summary = month_summary(month)
        assert (total[0], total[5]) == (summary.opening, summary.closing)
        assert total[1] - total[2] == summary.flow.net  # in and out are the cash book's; transfers are neither
        assert total[3] == total[4]
    # The demo banks part of the cash at each month's end.
    assert any(_xlsx_rows(month)["BRI Simpedes RW 05"][3] > 0 for month in months)


def test_pdf_account_table_adds_up_to_the_cash_book(months):
    for month in months:
        rows = _pdf_rows(month)
        assert set(rows) == {"Kas tunai", "BRI Simpedes RW 05", "Kotak kas pos ronda", "Di petugas ronda", "Total"}
        for name, (opening, money_in, money_out, transfers, closing) in rows.items():
            assert opening + money_in - money_out + transfers == closing, (month, name)
        summary = month_summary(month)
        total = rows["Total"]
        assert (total[0], total[4], total[3]) == (summary.opening, summary.closing, 0)
        assert rows["Total"] == tuple(map(sum, zip(*(v for k, v in rows.items() if k != "Total"), strict=True)))


def test_the_report_never_shows_an_account_number(months):
    number = Account.objects.get(kind=AccountKind.BANK).number
    assert number
    built = data.build(months[-1])
    pdf_text = subprocess.run(
        ["pdftotext", "-", "-"], input=build_pdf(built), capture_output=True, check=True
    ).stdout.decode()
    workbook = load_workbook(io.BytesIO(build_xlsx(built)), read_only=True)
    cells = [str(v) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row]
    assert "BRI Simpedes RW 05" in pdf_text and number not in pdf_text
    assert not any(number in cell for cell in cells)


def _accounts_and_months(accounts: int, months: int, month: dt.date) -> None:
    kas = Account.objects.get(pk=default_account_id())
    extra = [("BRI", AccountKind.BANK), ("Kotak", AccountKind.BOX)][: accounts - 1]
    made = [Account.objects.create(name=name, kind=kind) for name, kind in extra]
    for n in range(months):
        day = month - dt.timedelta(days=30 * n - 20)
        for account in made:
            Transfer.objects.create(transfer_date=day, from_account=kas, to_account=account, amount=1_000)
            BalanceCheck.objects.create(account=account, check_date=day, stated_balance=5, app_balance=5)


@pytest.mark.parametrize(("accounts", "months"), [(1, 1), (3, 1), (1, 12), (3, 12)])
def test_report_queries_stay_flat_with_accounts_and_months(
    client, bendahara, accounts, months, django_assert_num_queries
):
    month = dt.date(2026, 1, 1)
    OtherIncome.objects.create(received_on=dt.date(2025, 1, 2), description="Donasi", amount=10_000_000)
    _accounts_and_months(accounts, months, month)
    client.force_login(get_user_model().objects.get(username="bendahara"))
    url = reverse("reports:month", args=["2026-01"])
    client.get(url)  # warms the session and the once-per-process lookups
    with django_assert_num_queries(REPORT_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    for fmt, queries in (("xlsx", XLSX_QUERIES), ("pdf", PDF_QUERIES)):
        with django_assert_num_queries(queries):
            assert client.get(reverse("reports:download", args=["2026-01", fmt])).status_code == 200
