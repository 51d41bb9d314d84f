"""CSV and XLSX downloads shared by every list. Money columns stay numbers in XLSX.

CSV cells that begin with =, +, - or @ are prefixed with an apostrophe so that a spreadsheet shows
them as text and never runs them as formulas (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from jimpitan.lib.tables import money_column_indexes

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
RUPIAH_NUMBER_FORMAT = '"Rp" #,##0;-"Rp" #,##0'
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise_cell(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe. Numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a BOM, so Excel opens Indonesian text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise_cell(str(h)) for h in headers])
    for row in rows:
        writer.writerow(
            ["" if v is None else neutralise_cell(v if isinstance(v, (int, float)) else str(v)) for v in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str = "Data",
    money_columns: Iterable[int] = (),
) -> bytes:
    """One sheet, header row frozen; `money_columns` (0-based) get the Rupiah number format."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    money = set(money_columns)
    for row in rows:
        sheet.append([neutralise_cell(v) if isinstance(v, str) else v for v in row])
    for index in money:
        letter = sheet.cell(row=1, column=index + 1).column_letter
        for cell in sheet[letter][1:]:
            cell.number_format = RUPIAH_NUMBER_FORMAT
    for column_cells in sheet.columns:
        width = max((len(str(c.value)) for c in column_cells if c.value is not None), default=8)
        sheet.column_dimensions[column_cells[0].column_letter].width = min(max(width + 2, 8), 50)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def export_response(fmt: str, filename: str, headers, rows, *, money_columns=(), title="Data") -> HttpResponse:
    """`fmt` is 'csv' or 'xlsx' (anything else is the caller's 404 to raise)."""
    rows = list(rows)
    if fmt == "csv":
        return download(csv_bytes(headers, rows), filename, "csv")
    return download(xlsx_bytes(headers, rows, money_columns=money_columns, title=title), filename, "xlsx")


def table_export_response(table, fmt: str, filename: str, *, title="Data") -> HttpResponse:
    """Export a django-tables2 table (all filtered rows, not just the page), honouring exclude_from_export.

    Its MoneyColumns keep their integer values and get the Rupiah number format in XLSX.
    """
    values = list(table.as_values())
    money = money_column_indexes(table)
    return export_response(fmt, filename, values[0], values[1:], money_columns=money, title=title)
