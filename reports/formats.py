"""The monthly report in every format, for the download view and `export_month` alike."""

from __future__ import annotations

from jimpitan.lib.exports import XLSX_CONTENT_TYPE
from reports.csvfile import build_csv
from reports.data import MonthReport
from reports.pdf import build_pdf
from reports.xlsx import build_xlsx

BUILDERS = {"pdf": build_pdf, "xlsx": build_xlsx, "csv": build_csv}
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE, "csv": "text/csv; charset=utf-8"}
FORMATS = tuple(BUILDERS)


def render(report: MonthReport, fmt: str) -> bytes:
    """The report as a file of format `fmt` (one of FORMATS)."""
    return BUILDERS[fmt](report)


def filename(report: MonthReport, fmt: str) -> str:
    suffix = "-sementara" if report.is_provisional else ""
    return f"laporan-jimpitan-{report.month:%Y-%m}{suffix}.{fmt}"
