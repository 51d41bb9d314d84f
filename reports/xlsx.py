"""The monthly workbook (openpyxl): Ringkasan, Saldo per Akun, Jimpitan grid, Pengeluaran, Pemasukan Lain.

Written in openpyxl's write-only mode: each row goes straight to the file instead of into a grid of cell
objects that is walked again on save, which made a 1,000-household month take about a second. In that mode
the sheet's layout (column widths, frozen panes, print setup) must be set before its first row, and a cell
is styled only when it is passed as a WriteOnlyCell; every other value is written plain.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from households.models import Household, HouseholdStatus
from jimpitan.lib.dates import month_label
from jimpitan.lib.exports import RUPIAH_NUMBER_FORMAT, neutralise_cell
from nightly.models import Contribution, ContributionState, Round
from reports.data import MonthReport

EMPTY_FILL_COLOR = "FFE0B2"  # empty containers (kosong), as marked in the paper book
DATE_FORMAT = "DD/MM/YYYY"


class _Styles:
    """The workbook's few cell styles, each set up once on a prototype cell.

    A new cell takes the prototype's style record (what openpyxl's own copy_worksheet does) instead of
    going through the font / fill / number-format setters, which look each style part up again per cell.
    """

    def __init__(self, sheet):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill

        bold = Font(bold=True)
        empty = PatternFill("solid", start_color=EMPTY_FILL_COLOR, end_color=EMPTY_FILL_COLOR)
        self._cell = WriteOnlyCell
        self._sheet = sheet
        self.bold = self._prototype(font=bold)
        self.money = self._prototype(number_format=RUPIAH_NUMBER_FORMAT)
        self.money_bold = self._prototype(number_format=RUPIAH_NUMBER_FORMAT, font=bold)
        self.money_empty = self._prototype(number_format=RUPIAH_NUMBER_FORMAT, fill=empty)
        self.date = self._prototype(number_format=DATE_FORMAT)

    def _prototype(self, **style):
        cell = self._cell(self._sheet)
        for name, value in style.items():
            setattr(cell, name, value)
        return cell._style

    def cell(self, sheet, value, style):
        """`value` in a cell of `style` (one of the attributes above); None stays an empty, unwritten cell."""
        if value is None:
            return None
        cell = self._cell(sheet, value)
        cell._style = style  # written once and never changed, so the cells may share one style record
        return cell


def _layout(sheet, widths: list[float], freeze: str, header_rows: int = 1) -> None:
    """Column widths, frozen header, and A4 landscape one page wide: before the sheet's first row."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{header_rows}"


def _header(sheet, styles: _Styles, values) -> None:
    sheet.append([styles.cell(sheet, str(v), styles.bold) for v in values])


def _summary_sheet(sheet, styles: _Styles, report: MonthReport) -> None:
    s = report.summary
    title = _("Laporan bulanan %(month)s") % {"month": month_label(report.month)}
    if report.is_provisional:
        title += " — " + _("SEMENTARA")
    _layout(sheet, [40, 18], "B2")
    _header(sheet, styles, [_("Keterangan"), _("Jumlah")])
    rows = [
        (styles.cell(sheet, neutralise_cell(title), styles.bold), None),
        (report.kampung.name if report.kampung else "", None),
        (_("Saldo awal"), s.opening),
    ]
    if s.brought_over:
        rows.append((_("Saldo dari buku lama"), s.brought_over))
    rows += [
        (_("Jimpitan"), s.jimpitan),
    ]
    if s.catch_ups:
        rows.append((_("Rapel jimpitan"), s.catch_ups))
    rows += [
        (_("Pemasukan lain"), s.other_income),
        (_("Pengeluaran"), s.expenses),
    ]
    if s.adjustments or report.adjustments:
        rows.append((_("Koreksi"), s.adjustments))
    rows.append((_("Saldo akhir"), s.closing))
    for label, value in rows:
        sheet.append([neutralise_cell(label), styles.cell(sheet, value, styles.money)])
    # A percentage, not money: written plain.
    sheet.append([_("Tingkat partisipasi (%)"), report.participation_rate])


def _accounts_sheet(sheet, styles: _Styles, report: MonthReport) -> None:
    """Each account's month, by name (never its number), and the total row, whose closing is the summary's.
    Transfers in and out are money moved between the accounts: they add up to the same on both sides."""
    _layout(sheet, [32, 18] + [16] * 6, "B2")
    _header(
        sheet,
        styles,
        [
            _("Akun"),
            _("Jenis"),
            _("Saldo awal"),
            pgettext("uang", "Masuk"),
            pgettext("uang", "Keluar"),
            _("Pindah kas masuk"),
            _("Pindah kas keluar"),
            _("Saldo akhir"),
        ],
    )
    rows = [
        (neutralise_cell(a.name), a.account.get_kind_display() if a.account else "", a, styles.money)
        for a in report.accounts
    ]
    rows.append((styles.cell(sheet, _("Total"), styles.bold), None, report.accounts_total, styles.money_bold))
    for name, kind, a, style in rows:
        figures = (a.opening, a.money_in, a.money_out, a.transfers_in, a.transfers_out, a.closing)
        sheet.append([name, kind] + [styles.cell(sheet, value, style) for value in figures])


def _month_grid(first: dt.date, days: list[dt.date]) -> dict[int, list]:
    """Each household's row of the grid, filled straight from the month's contributions (one query):
    per day None (no row) or (amount, empty)."""
    day_index = {day: i for i, day in enumerate(days)}
    grid: dict[int, list] = {}
    for hid, evening, state, amount in (
        Contribution.objects.in_month(first).order_by().values_list("household_id", "evening", "state", "amount")
    ):
        row = grid.get(hid)
        if row is None:
            row = grid[hid] = [None] * len(days)
        row[day_index[evening]] = (amount, state == ContributionState.EMPTY)
    return grid


def _jimpitan_sheet(sheet, styles: _Styles, report: MonthReport) -> None:
    """Households × evenings, as in the paper book. One query for the month's contributions."""
    first, end = report.month, report.end
    days = [first + dt.timedelta(days=i) for i in range(calendar.monthrange(first.year, first.month)[1])]
    grid = _month_grid(first, days)
    # Every active household that had joined by the month's end, plus any that has a row this month but moved
    # away or was exempted since.
    joined = Q(joined_on__isnull=True) | Q(joined_on__lt=end)
    households = (
        Household.objects.filter((Q(status=HouseholdStatus.ACTIVE) & joined) | Q(id__in=list(grid)))
        .order_by("rt__display_order", "rt__number", "route_position", "id")
        .values_list("id", "address", "head_name", "rt__number")
    )
    total_only = (
        Round.objects.in_month(first)
        .filter(is_total_only=True)
        .order_by("rt__display_order", "rt__number", "evening")
        .values_list("rt__number", "evening", "total")
    )

    _layout(sheet, [32, 5] + [9] * len(days) + [13], "C2")
    _header(sheet, styles, [_("Rumah"), _("RT")] + [d.day for d in days] + [_("Total")])
    cell, money, money_empty, money_bold = styles.cell, styles.money, styles.money_empty, styles.money_bold
    no_rows = [None] * len(days)
    for hid, address, head_name, rt_number in households:
        entries = grid.get(hid, no_rows)
        row = [neutralise_cell(f"{address} — {head_name}"), rt_number]
        total = 0
        for entry in entries:
            if entry is None:
                row.append(None)
            else:
                amount, empty = entry
                total += amount
                row.append(cell(sheet, amount, money_empty if empty else money))
        row.append(cell(sheet, total, money_bold))
        sheet.append(row)
    # Rounds recorded as a total only have no per-household rows: one line per RT and evening.
    by_rt: dict[int, dict[dt.date, int]] = {}
    for rt_number, evening, amount in total_only:
        by_rt.setdefault(rt_number, {})[evening] = amount
    for rt_number, totals in by_rt.items():
        sheet.append(
            [_("RT %(rt)s — hanya total") % {"rt": rt_number}, rt_number]
            + [cell(sheet, totals.get(d), money) for d in days]
            + [cell(sheet, sum(totals.values()), money)]
        )
    evening_totals = {e.evening: e.total for e in report.evenings}
    sheet.append(
        [cell(sheet, _("Total"), styles.bold), None]
        + [cell(sheet, evening_totals.get(d, 0), money_bold) for d in days]
        + [cell(sheet, report.summary.jimpitan, money_bold)]
    )


def _list_sheet(sheet, styles: _Styles, headers, rows, widths) -> None:
    """A date, text columns and the amount last."""
    _layout(sheet, widths, "B2")
    _header(sheet, styles, headers)
    for day, *texts, amount in rows:
        sheet.append(
            [styles.cell(sheet, day, styles.date)]
            + [neutralise_cell(v) if isinstance(v, str) else v for v in texts]
            + [styles.cell(sheet, amount, styles.money)]
        )


def build_xlsx(report: MonthReport) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Ringkasan"))
    styles = _Styles(summary)
    _summary_sheet(summary, styles, report)
    _accounts_sheet(workbook.create_sheet(_("Saldo per Akun")), styles, report)
    _jimpitan_sheet(workbook.create_sheet(_("Jimpitan")), styles, report)
    expense_rows = [
        (e.spent_on, e.reference, e.description, e.payee, e.project.name if e.project else "", e.amount)
        for e in report.expenses
    ]
    expense_rows.append((None, "", _("Total"), "", "", report.summary.expenses))
    _list_sheet(
        workbook.create_sheet(_("Pengeluaran")),
        styles,
        [_("Tanggal"), _("No. bukti"), _("Keterangan"), _("Dibayar kepada"), _("Program"), _("Jumlah")],
        expense_rows,
        [12, 11, 40, 24, 24, 16],
    )
    income_rows = [
        (
            i.received_on,
            i.reference,
            i.description,
            i.source_name or i.get_source_display(),
            i.project.name if i.project else "",
            i.amount,
        )
        for i in report.incomes
    ]
    income_rows.append((None, "", _("Total"), "", "", report.summary.other_income))
    _list_sheet(
        workbook.create_sheet(_("Pemasukan Lain")),
        styles,
        [_("Tanggal"), _("No. bukti"), _("Keterangan"), _("Dari"), _("Program"), _("Jumlah")],
        income_rows,
        [12, 11, 40, 24, 24, 16],
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
