"""The yearly report (LPJ) as a workbook: Ringkasan, Pemasukan, Pengeluaran, Program, Akun. Money cells are
numbers in the Rupiah format, as in the monthly workbook (whose styles and page layout it shares)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from jimpitan.lib.exports import neutralise_cell
from reports.xlsx import _header, _layout, _Styles
from reports.yearly import YearReport


def _rows(sheet, styles: _Styles, rows, money_from: int) -> None:
    """Plain text and counts before column `money_from` (0-based), money from there on; a row whose first
    value is bold-worthy ("Total") is written bold."""
    for row in rows:
        bold = row[0] in (_("Total"), _("Saldo akhir"))
        cells = []
        for index, value in enumerate(row):
            if index >= money_from and isinstance(value, int):
                cells.append(styles.cell(sheet, value, styles.money_bold if bold else styles.money))
            elif bold and isinstance(value, str):
                cells.append(styles.cell(sheet, neutralise_cell(value), styles.bold))
            else:
                cells.append(neutralise_cell(value) if isinstance(value, str) else value)
        sheet.append(cells)


def _summary_rows(report: YearReport) -> list[tuple]:
    title = _("Laporan pertanggungjawaban %(term)s") % {"term": report.term.label}
    if report.is_provisional:
        title += " — " + _("SEMENTARA")
    flow = report.flow
    rows: list[tuple] = [
        (title, None),
        (report.kampung.name if report.kampung else "", None),
        (_("Saldo awal"), report.opening),
    ]
    if flow.opening_entry:
        rows.append((_("Saldo dari buku lama"), flow.opening_entry))
    rows += [
        (_("Jimpitan"), flow.jimpitan),
        (_("Rapel jimpitan"), flow.catch_ups),
        (_("Pemasukan lain"), flow.other_income),
        (_("Pengeluaran"), flow.expenses),
    ]
    if flow.adjustments:
        rows.append((_("Koreksi"), flow.adjustments))
    rows.append((_("Saldo akhir"), report.closing))
    return rows


def _income_rows(report: YearReport) -> list[tuple]:
    rows: list[tuple] = [(_("Jimpitan"), line.label, None, line.amount) for line in report.jimpitan_by_month]
    rows += [(_("Rapel jimpitan"), line.label, None, line.amount) for line in report.catch_ups_by_month if line.amount]
    rows += [(_("Pemasukan lain"), line.label, line.count, line.amount) for line in report.other_income_by_kind]
    rows.append((_("Total"), "", None, report.flow.income))
    return rows


def _spending_rows(report: YearReport) -> list[tuple]:
    rows: list[tuple] = [(line.label, line.count, line.receipts, line.amount) for line in report.spending_by_programme]
    rows.append((_("Total"), report.expense_count, report.receipt_count, report.flow.expenses))
    return rows


def _budget_rows(report: YearReport) -> list[tuple]:
    return [
        (b.project.name, b.project.get_status_display(), b.budget, b.realised_in_term, b.realised_to_date)
        for b in report.budgets
    ]


def _account_rows(report: YearReport) -> list[tuple]:
    rows: list[tuple] = [(a.account.name, a.account.get_kind_display(), a.balance) for a in report.accounts]
    if report.held:
        rows.append((_("Di petugas ronda"), "", report.held))
    rows.append((_("Saldo akhir"), "", report.accounts_total))
    return rows


def build_xlsx(report: YearReport) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    # (title, headings, column widths, rows, index of the first money column)
    sheets: list[tuple[str, list[str], list[float], list[tuple], int]] = [
        (_("Ringkasan"), [_("Keterangan"), _("Jumlah")], [48, 18], _summary_rows(report), 1),
        (
            _("Pemasukan"),
            [_("Sumber"), _("Rincian"), _("Transaksi"), _("Jumlah")],
            [20, 28, 11, 18],
            _income_rows(report),
            3,
        ),
        (
            _("Pengeluaran"),
            [_("Program"), _("Transaksi"), _("Nota"), _("Jumlah")],
            [40, 11, 9, 18],
            _spending_rows(report),
            3,
        ),
        (
            _("Program"),
            [_("Program"), _("Status"), _("Anggaran"), _("Realisasi periode ini"), _("Realisasi s.d. akhir periode")],
            [40, 12, 18, 20, 22],
            _budget_rows(report),
            2,
        ),
        (_("Akun"), [_("Akun"), _("Jenis"), _("Saldo")], [32, 18, 18], _account_rows(report), 2),
    ]
    styles = None
    for title, headers, widths, rows, money_from in sheets:
        sheet = workbook.create_sheet(title)
        styles = styles or _Styles(sheet)
        _layout(sheet, widths, "A2")
        _header(sheet, styles, headers)
        _rows(sheet, styles, rows, money_from)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
