"""The monthly report: every figure in PDF, XLSX, CSV and WhatsApp text equals the cash book's."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from jimpitan.lib.exports import RUPIAH_NUMBER_FORMAT
from jimpitan.lib.money import format_rupiah
from jimpitan.services import save_signature_columns
from ledger.models import Adjustment
from ledger.selectors import month_summary
from ledger.services import close_month, record_adjustment
from nightly.selectors import missed_evenings_recap
from reports import data
from reports.csvfile import build_csv
from reports.pdf import build_pdf
from reports.whatsapp import build_text
from reports.xlsx import build_xlsx
from spending.models import Expense, OtherIncome
from tests.ledger.factories import save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


@pytest.fixture
def books(bendahara, kampung):
    save_signature_columns(
        profile=kampung, rows=[{"role": "Ketua Pokja", "name": "Pak Harjo"}, {"role": "Bendahara", "name": "Bu Sri"}]
    )
    rt3, h3 = make_rt(3, households=4)
    rt4, h4 = make_rt(4, households=3)
    save_round(rt3, h3, dt.date(2026, 1, 5), bendahara, amount=1000, states={h3[0].pk: "kosong"})
    save_round(rt4, h4, dt.date(2026, 1, 5), bendahara, amount=500)
    save_round(rt3, h3, dt.date(2026, 1, 6), bendahara, amount=2000)
    OtherIncome.objects.create(received_on=dt.date(2026, 1, 10), description="Donasi Pak RW", amount=50_000)
    Expense.objects.create(spent_on=dt.date(2026, 1, 12), description="Senter ronda", amount=20_000)
    save_round(rt3, h3, dt.date(2026, 2, 2), bendahara, amount=1000)
    close_month(JAN, bendahara, today=dt.date(2026, 3, 1))
    record_adjustment(dt.date(2026, 2, 3), -1_500, "Uang logam palsu", JAN, bendahara)
    return h3


def test_pdf_text_has_the_cash_book_figures(books):
    summary = month_summary(JAN)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(build_pdf(data.build(JAN)))).pages)
    for amount in (summary.opening, summary.jimpitan, summary.other_income, summary.expenses, summary.closing):
        assert format_rupiah(amount) in text
    assert "Pak Harjo" in text and "Bu Sri" in text
    assert "SEMENTARA" not in text
    assert "Warga 3-1" not in text  # no household names on the notice board
    feb_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(build_pdf(data.build(FEB)))).pages)
    assert "SEMENTARA" in feb_text
    assert format_rupiah(month_summary(FEB).closing) in feb_text


def test_xlsx_cells_equal_the_cash_book(books):
    summary = month_summary(JAN)
    workbook = load_workbook(io.BytesIO(build_xlsx(data.build(JAN))))
    assert workbook.sheetnames == ["Ringkasan", "Saldo per Akun", "Jimpitan", "Pengeluaran", "Pemasukan Lain"]
    values = {row[0]: row[1] for row in workbook["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert values["Jimpitan"] == summary.jimpitan == 3 * 1000 + 3 * 500 + 4 * 2000
    assert values["Saldo akhir"] == summary.closing
    assert values["Pengeluaran"] == summary.expenses
    grid = workbook["Jimpitan"]
    assert grid.freeze_panes == "C2"
    assert grid.page_setup.orientation == "landscape"
    last = list(grid.iter_rows(values_only=True))[-1]
    assert last[0] == "Total" and last[-1] == summary.jimpitan
    assert last[2 + 4] == 3 * 1000 + 3 * 500  # 5 January (day columns start at C)
    first_house = next(r for r in grid.iter_rows(min_row=2) if r[0].value.startswith("No. 1 — Warga 3-1"))
    empty_cell = first_house[2 + 4]
    assert empty_cell.value == 0 and empty_cell.fill.fgColor.rgb.endswith("FFE0B2")
    assert first_house[-1].value == 2000
    assert (
        isinstance(last[-1], int)
        and grid.cell(row=grid.max_row, column=grid.max_column).number_format == RUPIAH_NUMBER_FORMAT
    )
    expenses = list(workbook["Pengeluaran"].iter_rows(min_row=2, values_only=True))
    assert expenses[-1][-1] == summary.expenses == 20_000
    incomes = list(workbook["Pemasukan Lain"].iter_rows(min_row=2, values_only=True))
    assert incomes[0][-1] == 50_000


def test_xlsx_grid_lists_only_households_that_had_joined_by_the_month_end(books):
    from households.models import Household

    late = Household.objects.create(
        rt=books[0].rt,
        address="Blok Baru 1",
        head_name="Warga Pindahan",
        route_position=99,
        joined_on=dt.date(2026, 2, 10),
    )
    for month, listed in ((JAN, False), (FEB, True)):
        sheet = load_workbook(io.BytesIO(build_xlsx(data.build(month))))["Jimpitan"]
        names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert any(name and late.address in name for name in names) == listed, month
        assert any(name and books[0].address in name for name in names)


def test_csv_has_bom_and_running_balance(books):
    raw = build_csv(data.build(FEB))
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[-1][-1] == str(month_summary(FEB).closing)
    assert rows[-2][-1] == rows[-1][-1]
    adjustment = Adjustment.objects.get()
    assert any("Koreksi bulan 2026-01" in r[3] and r[1] == adjustment.reference for r in rows)


def test_csv_headers_in_english(books):
    from django.utils import translation

    with translation.override("en"):
        raw = build_csv(data.build(FEB))
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header == ["Date", "Ref. no.", "Type", "Description", "In", "Out", "Balance"]


def test_whatsapp_text(books):
    text = build_text(data.build(JAN), "https://kas.example/")
    assert text.startswith("*Laporan Kas Jimpitan Januari 2026*")
    assert f"*Saldo akhir: {format_rupiah(month_summary(JAN).closing)}*" in text
    assert "https://kas.example/" in text


def test_empty_recap(books):
    recap = missed_evenings_recap(JAN)
    assert recap[0].household == books[0] and recap[0].empty == 1


def test_export_month_command(books, tmp_path):
    out = tmp_path / "jan.xlsx"
    call_command("export_month", "2026-01", "--format", "xlsx", "--output", str(out))
    assert load_workbook(out)["Ringkasan"]["B4"].value == month_summary(JAN).opening
    pdf = tmp_path / "jan.pdf"
    call_command("export_month", "2026-01", "--format", "pdf", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")


def test_report_queries_do_not_grow_with_households(books, bendahara):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            build_xlsx(data.build(JAN))
            missed_evenings_recap(JAN)
        return len(captured)

    before = count()
    rt5, h5 = make_rt(5, households=12)
    from ledger.models import MonthClosing

    MonthClosing.objects.all().delete()  # reopen January to add a round to it
    save_round(rt5, h5, dt.date(2026, 1, 7), bendahara)
    assert count() == before


def test_making_a_pdf_keeps_pillow_strict_about_truncated_images(books):
    # WeasyPrint's import flips this global; a corrupt receipt photo must still be refused afterwards.
    from PIL import ImageFile

    build_pdf(data.build(JAN))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
