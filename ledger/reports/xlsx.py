"""The monthly workbook (openpyxl): Ringkasan, Jimpitan grid, Pengeluaran, Pemasukan Lain."""

from __future__ import annotations

import calendar
import datetime as dt
import io

from django.utils.translation import gettext as _

from jimpitan.lib.dates import month_label
from jimpitan.lib.exports import RUPIAH_NUMBER_FORMAT, neutralise_cell
from ledger.reports.data import MonthReport

EMPTY_FILL_COLOR = "FFE0B2"  # empty containers (kosong), as marked in the paper book


def _page_setup(sheet, header_rows: int = 1) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{header_rows}"


def _header(sheet, values) -> None:
    from openpyxl.styles import Font

    sheet.append([str(v) for v in values])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _money(cell) -> None:
    cell.number_format = RUPIAH_NUMBER_FORMAT


def _summary_sheet(sheet, report: MonthReport) -> None:
    from openpyxl.styles import Font

    s = report.summary
    title = _("Laporan bulanan %(month)s") % {"month": month_label(report.month)}
    if report.is_provisional:
        title += " — " + _("SEMENTARA")
    _header(sheet, [_("Keterangan"), _("Jumlah")])
    rows = [
        (title, None),
        (report.kampung.name if report.kampung else "", None),
        (_("Saldo awal"), s.opening),
        (_("Jimpitan"), s.jimpitan),
        (_("Pemasukan lain"), s.other_income),
        (_("Pengeluaran"), s.expenses),
    ]
    if s.adjustments or report.adjustments:
        rows.append((_("Koreksi"), s.adjustments))
    if s.flow.opening_entry:
        rows.append((_("Saldo awal dari profil kampung"), s.flow.opening_entry))
    rows.append((_("Saldo akhir"), s.closing))
    rate = report.participation_rate
    rows.append((_("Tingkat partisipasi (%)"), rate))
    for label, value in rows:
        sheet.append([neutralise_cell(label), value])
        if isinstance(value, int) and label != _("Tingkat partisipasi (%)"):
            _money(sheet.cell(row=sheet.max_row, column=2))
    sheet.cell(row=2, column=1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 18
    sheet.freeze_panes = "B2"
    _page_setup(sheet)


def _jimpitan_sheet(sheet, report: MonthReport) -> None:
    """Households × evenings, as in the paper book. One query for the month's contributions."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from django.db.models import Q

    from households.models import Household, HouseholdStatus
    from nightly.models import Contribution, ContributionState, Round

    first, end = report.month, report.end
    days = [first + dt.timedelta(days=i) for i in range(calendar.monthrange(first.year, first.month)[1])]
    cells: dict[tuple[int, dt.date], tuple[str, int]] = {
        (hid, evening): (state, amount)
        for hid, evening, state, amount in Contribution.objects.filter(evening__gte=first, evening__lt=end)
        .order_by().values_list("household_id", "evening", "state", "amount")
    }
    with_rows = {hid for hid, _e in cells}
    # Every active household, plus any that has a row this month but moved away or was exempted since.
    households = list(
        Household.objects.filter(Q(status=HouseholdStatus.ACTIVE) | Q(id__in=with_rows)).select_related("rt")
        .order_by("rt__display_order", "rt__number", "route_position", "id")
    )
    total_only = list(
        Round.objects.filter(evening__gte=first, evening__lt=end, is_total_only=True)
        .select_related("rt").order_by("rt__display_order", "rt__number", "evening")
    )
    _header(sheet, [_("Rumah"), _("RT")] + [d.day for d in days] + [_("Total")])
    empty_fill = PatternFill("solid", start_color=EMPTY_FILL_COLOR, end_color=EMPTY_FILL_COLOR)
    last_col = len(days) + 3
    for household in households:
        amounts = [cells[(household.pk, d)][1] if (household.pk, d) in cells else None for d in days]
        row_total = sum(a for a in amounts if a)
        sheet.append([neutralise_cell(f"{household.address} — {household.head_name}"), household.rt.number]
                     + amounts + [row_total])
        r = sheet.max_row
        for i, day in enumerate(days):
            entry = cells.get((household.pk, day))
            if entry is not None and entry[0] == ContributionState.EMPTY:
                sheet.cell(row=r, column=3 + i).fill = empty_fill
        sheet.cell(row=r, column=last_col).font = Font(bold=True)
    # Rounds recorded as a total only have no per-household rows: one line per RT and evening.
    by_rt: dict = {}
    for rnd in total_only:
        by_rt.setdefault(rnd.rt, {})[rnd.evening] = rnd.total
    for rt, totals in by_rt.items():
        sheet.append([_("RT %(rt)s — hanya total") % {"rt": rt.number}, rt.number]
                     + [totals.get(d) for d in days] + [sum(totals.values())])
    evening_totals = {e.evening: e.total for e in report.evenings}
    sheet.append([_("Total")] + [None] + [evening_totals.get(d, 0) for d in days] + [report.summary.jimpitan])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=last_col):
        for cell in row:
            cell.number_format = RUPIAH_NUMBER_FORMAT
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 5
    for i in range(len(days)):
        sheet.column_dimensions[get_column_letter(3 + i)].width = 9
    sheet.column_dimensions[get_column_letter(last_col)].width = 13
    sheet.freeze_panes = "C2"
    _page_setup(sheet)


def _list_sheet(sheet, headers, rows, money_col: int, widths) -> None:
    from openpyxl.utils import get_column_letter

    _header(sheet, headers)
    for row in rows:
        sheet.append([neutralise_cell(v) if isinstance(v, str) else v for v in row])
        _money(sheet.cell(row=sheet.max_row, column=money_col))
    for i, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    sheet.freeze_panes = "B2"
    _page_setup(sheet)


def build_xlsx(report: MonthReport) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    _summary_sheet(workbook.active, report)
    workbook.active.title = _("Ringkasan")
    _jimpitan_sheet(workbook.create_sheet(_("Jimpitan")), report)
    expense_rows = [
        (e.spent_on, e.description, e.payee, e.project.name if e.project else "", e.amount)
        for e in report.expenses
    ]
    expense_rows.append((None, _("Total"), "", "", report.summary.expenses))
    _list_sheet(workbook.create_sheet(_("Pengeluaran")),
                [_("Tanggal"), _("Keterangan"), _("Dibayar kepada"), _("Program"), _("Jumlah")],
                expense_rows, 5, [12, 40, 24, 24, 16])
    income_rows = [
        (i.received_on, i.description, i.source_name or i.get_source_display(),
         i.project.name if i.project else "", i.amount)
        for i in report.incomes
    ]
    income_rows.append((None, _("Total"), "", "", report.summary.other_income))
    _list_sheet(workbook.create_sheet(_("Pemasukan Lain")),
                [_("Tanggal"), _("Keterangan"), _("Dari"), _("Program"), _("Jumlah")],
                income_rows, 5, [12, 40, 24, 24, 16])
    for sheet in workbook.worksheets[2:]:
        for row in sheet.iter_rows(min_row=2, max_col=1):
            row[0].number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
