"""A transfer between accounts is neither income nor spending: the monthly report is the same with it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ledger.models import Account, AccountKind, default_account_id
from ledger.selectors import account_balances, month_summary
from ledger.services import record_transfer
from reports import data
from reports.csvfile import build_csv
from reports.pdf import build_pdf
from reports.whatsapp import build_text
from reports.xlsx import build_xlsx
from spending.models import Expense, OtherIncome
from tests.ledger.factories import hand_over, save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)


def _report() -> tuple:
    built = data.build(JAN)
    workbook = load_workbook(io.BytesIO(build_xlsx(built)))
    sheets = {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(build_pdf(built))).pages)
    return sheets, build_csv(built), build_text(built, "https://kas.example/"), pdf_text


def _without_accounts(pdf_text: str) -> list[str]:
    lines = pdf_text.splitlines()
    start = lines.index("Saldo per akun")
    end = next(i for i, line in enumerate(lines) if line.startswith("Jimpitan per malam"))
    return [line for line in lines[:start] + lines[end:] if "Rp" in line]


def test_a_transfer_changes_no_report_figure(bendahara, kampung):
    rt, households = make_rt(3, households=4)
    rnd = save_round(rt, households, dt.date(2026, 1, 5), bendahara, amount=1000)
    hand_over([rnd], dt.date(2026, 1, 6), bendahara)  # on Kas tunai from then on
    OtherIncome.objects.create(received_on=dt.date(2026, 1, 10), description="Donasi", amount=50_000)
    Expense.objects.create(spent_on=dt.date(2026, 1, 12), description="Senter", amount=20_000)
    bank = Account.objects.create(name="BRI Simpedes", kind=AccountKind.BANK)
    summary = month_summary(JAN)
    before = _report()
    kas = Account.objects.get(pk=default_account_id())
    record_transfer(
        transfer_date=dt.date(2026, 1, 20), from_account=kas, to_account=bank, amount=30_000, user=bendahara
    )
    assert month_summary(JAN) == summary
    sheets, csv_bytes, text, pdf_text = _report()
    # Only the per-account table shows the transfer, as transfers: its in and out (the cash book's) stay the same.
    accounts, accounts_before = sheets.pop("Saldo per Akun"), before[0]["Saldo per Akun"]
    assert sheets == {k: v for k, v in before[0].items() if k != "Saldo per Akun"}
    assert csv_bytes == before[1] and text == before[2]
    total, total_before = accounts[-1], accounts_before[-1]
    assert total[:5] == total_before[:5] and total[7] == total_before[7] == summary.closing
    # The round's Rp 4.000 reached Kas tunai from the patrol as a transfer too (its handover).
    assert (total_before[5], total_before[6], total[5], total[6]) == (4_000, 4_000, 34_000, 34_000)
    rows = {row[0]: row[2:] for row in accounts[1:-1]}
    assert rows["Di petugas ronda"] == (0, 4_000, 0, 0, 4_000, 0)
    assert rows["Kas tunai"] == (0, 50_000, 20_000, 4_000, 30_000, 4_000)
    assert rows["BRI Simpedes"] == (0, 0, 0, 30_000, 0, 30_000)
    # The PDF carries its making time; its figures are the same, but for the per-account table's.
    assert _without_accounts(pdf_text) == _without_accounts(before[3])
    assert "+Rp 30.000" in pdf_text and "-Rp 26.000" in pdf_text  # Kas tunai: the round's 4.000 in, 30.000 out
    assert {row.account.name: row.balance for row in account_balances()} == {"Kas tunai": 4_000, "BRI Simpedes": 30_000}
