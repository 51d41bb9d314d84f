"""The yearly report (LPJ) in each format, for the download view and `export_year` alike."""

from __future__ import annotations

from jimpitan.lib.exports import XLSX_CONTENT_TYPE
from reports.yearly import YearReport
from reports.yearly_pdf import build_pdf
from reports.yearly_xlsx import build_xlsx

BUILDERS = {"pdf": build_pdf, "xlsx": build_xlsx}
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}
FORMATS = tuple(BUILDERS)


def render(report: YearReport, fmt: str) -> bytes:
    return BUILDERS[fmt](report)


def filename(report: YearReport, fmt: str) -> str:
    suffix = "-sementara" if report.is_provisional else ""
    return f"lpj-jimpitan-{report.term.slug}{suffix}.{fmt}"
