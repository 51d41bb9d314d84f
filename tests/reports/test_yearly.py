"""The yearly report (LPJ, issue 17): the PDF text and the XLSX cells read back against the books; the
command, the download's roles and term validation, a term across two calendar years, and flat query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from demo.seeding import seed_demo
from jimpitan.lib.exports import RUPIAH_NUMBER_FORMAT
from jimpitan.lib.money import format_rupiah
from jimpitan.lib.months import month_start
from jimpitan.services import save_signature_columns
from ledger import selectors
from ledger.models import Account, AccountKind, Transfer
from ledger.services import close_month
from nightly.services import record_catch_up
from reports import data, yearly
from reports.yearly_pdf import build_pdf
from reports.yearly_xlsx import build_xlsx
from spending.models import Expense, IncomeSource, OtherIncome, Project, ProjectStatus
from tests.ledger.factories import save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

Y2026 = yearly.year_term(2026)


@pytest.fixture
def books(bendahara, kampung):
    """Records in December 2025 and through 2026: rounds, two kinds of other income, programme and operational
    spending (some with a receipt), a bank account fed by a transfer, one closed month."""
    save_signature_columns(
        profile=kampung, rows=[{"role": "Ketua Pokja", "name": "Pak Harjo"}, {"role": "Bendahara", "name": "Bu Sri"}]
    )
    rt, houses = make_rt(3, households=4)
    for evening in (dt.date(2025, 12, 20), dt.date(2026, 1, 5), dt.date(2026, 3, 6), dt.date(2026, 7, 7)):
        save_round(rt, houses, evening, bendahara, amount=1000)
    OtherIncome.objects.create(received_on=dt.date(2025, 12, 22), description="Donasi lama", amount=30_000)
    OtherIncome.objects.create(received_on=dt.date(2026, 2, 10), description="Donasi Pak RW", amount=50_000)
    OtherIncome.objects.create(
        received_on=dt.date(2026, 4, 1), description="Jual sayur", amount=25_000, source=IncomeSource.KWT_SALES
    )
    lampu = Project.objects.create(name="Lampu jalan", budget=100_000, status=ProjectStatus.RUNNING)
    Project.objects.create(name="Gapura", budget=500_000, status=ProjectStatus.PLANNED)
    Project.objects.create(name="Program lama selesai", status=ProjectStatus.DONE)
    Expense.objects.create(spent_on=dt.date(2025, 12, 23), description="Tiang", amount=10_000, project=lampu)
    Expense.objects.create(
        spent_on=dt.date(2026, 3, 8), description="Bohlam", amount=15_000, project=lampu, receipt="receipts/a.jpg"
    )
    Expense.objects.create(spent_on=dt.date(2026, 5, 2), description="Senter ronda", amount=7_000)
    bank = Account.objects.create(name="Rekening BRI", kind=AccountKind.BANK)
    Transfer.objects.create(
        transfer_date=dt.date(2026, 6, 1),
        from_account_id=Account.objects.get(is_default=True).pk,
        to_account=bank,
        amount=20_000,
    )
    # A household pays two July evenings later (rapel), and one in August ahead.
    record_catch_up(
        household=houses[0],
        paid_on=dt.date(2026, 7, 20),
        amount=3_000,
        account=Account.objects.get(is_default=True),
        evenings=[dt.date(2026, 7, 8), dt.date(2026, 7, 9), dt.date(2026, 8, 1)],
        recorded_by=bendahara,
    )
    close_month(dt.date(2025, 12, 1), bendahara, today=dt.date(2026, 11, 30))
    return {"lampu": lampu, "bank": bank}


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_year_adds_up_to_its_months(books):
    report = yearly.build(Y2026)
    months = selectors.year_months(2026)
    assert report.opening == months[0].opening == 4 * 1000 + 30_000 - 10_000
    assert report.closing == months[-1].closing
    assert report.flow == selectors.sum_flows(m.flow for m in months)
    assert [line.amount for line in report.jimpitan_by_month] == [m.jimpitan for m in months]
    assert [line.amount for line in report.catch_ups_by_month] == [m.catch_ups for m in months]
    assert report.flow.catch_ups == months[6].catch_ups == 3_000  # in July, the month paid
    assert report.flow.income == report.flow.jimpitan + 3_000 + report.flow.other_income
    assert sum(line.amount for line in report.other_income_by_kind) == report.flow.other_income == 75_000
    assert sum(line.amount for line in report.spending_by_programme) == report.flow.expenses == 22_000
    assert report.accounts_total == report.closing
    assert {a.account.name: a.balance for a in report.accounts}["Rekening BRI"] == 20_000
    assert report.receipt_count == 1 and report.expense_count == 2
    assert report.open_months == [m.month for m in months] and report.is_provisional  # only December 2025 closed
    budgets = {b.project.name: b for b in report.budgets}
    assert set(budgets) == {"Lampu jalan", "Gapura"}  # the finished one without spending this year is left out
    assert (budgets["Lampu jalan"].realised_in_term, budgets["Lampu jalan"].realised_to_date) == (15_000, 25_000)
    assert budgets["Lampu jalan"].percent == 25


def test_pdf_text_reads_back_the_books(books):
    report = yearly.build(Y2026)
    months = selectors.year_months(2026)
    text = _pdf_text(build_pdf(report))
    totals = selectors.sum_flows(m.flow for m in months)
    for amount in (months[0].opening, months[-1].closing, totals.jimpitan, totals.other_income, totals.expenses):
        assert format_rupiah(amount) in text
    assert f"Rapel jimpitan +{format_rupiah(3_000)}" in text
    july = [line for line in text.splitlines() if line.startswith("Juli 2026")][0]
    assert july == f"Juli 2026 {format_rupiah(months[6].jimpitan)} {format_rupiah(3_000)}"
    for budget in report.budgets:
        # The budget table comes after the spending table, which names the programme too.
        line = [line for line in text.splitlines() if line.startswith(budget.project.name)][-1]
        assert format_rupiah(budget.budget) in line
        assert format_rupiah(budget.realised_in_term) in line and format_rupiah(budget.realised_to_date) in line
        assert budget.project.get_status_display() in line
    for balance in report.accounts:
        line = [line for line in text.splitlines() if line.startswith(balance.account.name)][-1]
        assert line.endswith(format_rupiah(balance.balance))
    if report.held:  # rounds still with the patrol at the year's end: on no account yet
        line = [line for line in text.splitlines() if line.startswith("Di petugas ronda")][-1]
        assert line.endswith(format_rupiah(report.held))
    assert sum(b.balance for b in report.accounts) + report.held == months[-1].closing
    assert "Donasi" in text and "Penjualan hasil KWT" in text and "Operasional (tanpa program)" in text
    assert "Pak Harjo" in text and "Bu Sri" in text and "Batujaya, " in text
    assert "Tahun 2026" in text and "Warga 3-1" not in text


def test_xlsx_reads_back_the_same_figures_as_numbers(books):
    report = yearly.build(Y2026)
    months = selectors.year_months(2026)
    workbook = load_workbook(io.BytesIO(build_xlsx(report)))
    assert workbook.sheetnames == ["Ringkasan", "Pemasukan", "Pengeluaran", "Program", "Akun"]
    summary = {row[0]: row[1] for row in workbook["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Saldo awal"] == months[0].opening
    assert summary["Saldo akhir"] == months[-1].closing
    assert summary["Jimpitan"] == sum(m.jimpitan for m in months)
    assert summary["Pemasukan lain"] == sum(m.other_income for m in months)
    assert summary["Rapel jimpitan"] == sum(m.catch_ups for m in months) == 3_000
    assert summary["Pengeluaran"] == sum(m.expenses for m in months)
    income = list(workbook["Pemasukan"].iter_rows(min_row=2, values_only=True))
    assert [row[3] for row in income if row[0] == "Jimpitan"] == [m.jimpitan for m in months]
    assert [row[1:] for row in income if row[0] == "Rapel jimpitan"] == [("Juli 2026", None, 3_000)]
    assert income[-1][3] == report.flow.income
    spending = list(workbook["Pengeluaran"].iter_rows(min_row=2, values_only=True))
    assert spending[-1] == ("Total", 2, 1, 22_000)
    programmes = {row[0]: row for row in workbook["Program"].iter_rows(min_row=2, values_only=True)}
    assert programmes["Lampu jalan"][1:] == ("Berjalan", 100_000, 15_000, 25_000)
    accounts = list(workbook["Akun"].iter_rows(min_row=2))
    assert accounts[-1][2].value == months[-1].closing == sum(row[2].value for row in accounts[:-1])
    assert accounts[-1][2].number_format == RUPIAH_NUMBER_FORMAT


def test_a_term_across_two_calendar_years(books):
    term = yearly.parse_term("2025-12-21", "2026-03-31")
    report = yearly.build(term)
    assert term.year is None and "21 Desember 2025" in term.label
    assert report.opening == 4 * 1000  # the round of 20 December, before the term
    assert [line.label for line in report.jimpitan_by_month] == [
        "Desember 2025",
        "Januari 2026",
        "Februari 2026",
        "Maret 2026",
    ]
    assert [line.amount for line in report.jimpitan_by_month] == [0, 4000, 0, 4000]
    assert report.flow.other_income == 80_000 and report.flow.expenses == 25_000
    assert report.closing == selectors.balance_at(dt.date(2026, 3, 31)) == report.accounts_total
    assert report.open_months == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    spent = {line.label: line.amount for line in report.spending_by_programme}
    assert spent == {"Lampu jalan": 25_000}
    assert format_rupiah(report.closing) in _pdf_text(build_pdf(report))


@pytest.mark.parametrize(
    ("start", "last", "message"),
    [
        ("2026-13-01", "2026-12-31", "YYYY-MM-DD"),
        ("2026-02-30", "2026-12-31", "YYYY-MM-DD"),
        ("kemarin", "2026-12-31", "YYYY-MM-DD"),
        ("2026-12-31", "2026-01-01", "sebelum"),
        ("2010-01-01", "2026-12-31", "lima tahun"),
        ("0001-01-01", "2026-12-31", "di luar"),
    ],
)
def test_a_bad_term_is_refused_with_a_reason(start, last, message):
    with pytest.raises(yearly.TermError, match=message):
        yearly.parse_term(start, last)


def test_export_year_writes_both_formats(books, tmp_path):
    pdf, xlsx = tmp_path / "lpj.pdf", tmp_path / "lpj.xlsx"
    call_command("export_year", "2026", "--format", "pdf", "--output", str(pdf), stdout=io.StringIO())
    call_command("export_year", "2026", "--format", "xlsx", "--output", str(xlsx), stdout=io.StringIO())
    assert format_rupiah(selectors.year_months(2026)[-1].closing) in _pdf_text(pdf.read_bytes())
    assert load_workbook(xlsx)["Ringkasan"]["A2"].value.startswith("Laporan pertanggungjawaban Tahun 2026")
    term = tmp_path / "term.xlsx"
    call_command(
        "export_year",
        "--dari",
        "2025-12-21",
        "--sampai",
        "2026-03-31",
        "--format",
        "xlsx",
        "--output",
        str(term),
        stdout=io.StringIO(),
    )
    assert term.exists()


@pytest.mark.parametrize("year", ["26", "abcd", "0999", "", None])
def test_export_year_refuses_a_bad_year(db, tmp_path, year):
    args = [] if year is None else [year]
    with pytest.raises(CommandError):
        call_command("export_year", *args, "--format", "pdf", "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_download_for_a_year_and_a_term(client, books, pokja):
    client.force_login(pokja)
    url = reverse("reports:year_download", args=["xlsx"])
    response = client.get(url, {"tahun": "2026"})
    assert response.status_code == 200
    assert 'filename="lpj-jimpitan-2026-sementara.xlsx"' in response["Content-Disposition"]
    response = client.get(
        reverse("reports:year_download", args=["pdf"]), {"dari": "2025-12-21", "sampai": "2026-03-31"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "lpj-jimpitan-2025-12-21_2026-03-31" in response["Content-Disposition"]
    bad = client.get(url, {"dari": "2026-03-31", "sampai": "2026-01-01"})
    assert bad.status_code == 400 and "sebelum" in bad.content.decode()
    assert client.get(url, {"dari": "2026-03-31"}).status_code == 400
    assert client.get(url, {"tahun": "20x6"}).status_code == 400
    assert client.get(reverse("reports:year_download", args=["csv"])).status_code == 404


def test_the_books_page_links_each_year(client, books, pokja, petugas):
    client.force_login(pokja)
    body = client.get(reverse("books:months")).content.decode()
    assert reverse("reports:year_download", args=["pdf"]) + "?tahun=2026" in body
    assert reverse("reports:year_download", args=["xlsx"]) + "?tahun=2025" in body


def _months_of_records(bendahara, months: int) -> None:
    rt, houses = make_rt(5, households=3)
    lampu = Project.objects.create(name="Lampu", budget=100_000)
    for index in range(months):
        day = dt.date(2025, 1 + index, 10)
        save_round(rt, houses, day, bendahara, amount=500)
        OtherIncome.objects.create(received_on=day, description="Donasi", amount=5_000)
        Expense.objects.create(spent_on=day, description="Bohlam", amount=1_000, project=lampu)


# The books' own figures (one grouped query per cash source, the openings, the accounts, what the patrol still
# holds) and one query per table of the report; the download adds the session, the user and the signing columns.
BUILD_QUERIES = 27  # catch-ups: one more cash source, in the flows and in the accounts' balances
DOWNLOAD_QUERIES = 33


@pytest.mark.parametrize("months", [1, 12])
def test_query_count_is_flat_in_months_and_records(client, pokja, bendahara, months, django_assert_num_queries):
    _months_of_records(bendahara, months)
    with django_assert_num_queries(BUILD_QUERIES):
        yearly.build(yearly.year_term(2025))
    client.force_login(pokja)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:year_download", args=["pdf"]), {"tahun": "2025"}).status_code == 200
    assert len(queries) == DOWNLOAD_QUERIES, [q["sql"][:80] for q in queries]


def test_the_demo_kampungs_lpj_equals_its_twelve_monthly_reports(db):
    """Issue 17's closing note: the yearly figures beside the sum of the twelve monthly reports."""
    result = seed_demo(households=30, months=12, seed=5)
    first = month_start(result.first_evening)
    term = yearly.Term(first, dt.date(first.year + 1, first.month, 1) - dt.timedelta(days=1))
    report = yearly.build(term)
    monthly = [data.build(month) for month in term.months()]
    summaries = [m.summary for m in monthly]
    assert len(monthly) == 12
    assert report.opening == summaries[0].opening
    assert report.closing == summaries[-1].closing == report.accounts_total
    assert report.flow == selectors.sum_flows(s.flow for s in summaries)
    assert [line.amount for line in report.jimpitan_by_month] == [s.jimpitan for s in summaries]
    assert [line.amount for line in report.catch_ups_by_month] == [s.catch_ups for s in summaries]
    assert report.flow.catch_ups == sum(c.catch_up.amount for m in monthly for c in m.catch_ups) > 0
    assert report.expense_count == sum(len(m.expenses) for m in monthly)
    by_programme = {line.label: line.amount for line in report.spending_by_programme}
    for month in monthly:
        for expense in month.expenses:
            label = expense.project.name if expense.project else "Operasional (tanpa program)"
            by_programme[label] -= expense.amount
    assert set(by_programme.values()) == {0}
    by_kind = {line.label: line.amount for line in report.other_income_by_kind}
    for month in monthly:
        for income in month.incomes:
            by_kind[income.get_source_display()] -= income.amount
    assert set(by_kind.values()) == {0}
