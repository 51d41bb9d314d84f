"""The yearly report (LPJ) as an A4 PDF for the residents' meeting (WeasyPrint), on the kampung's letterhead
and with its signing columns. No household names: totals per month, kind, programme and account."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from jimpitan.documents import document_context
from jimpitan.lib.evening import evening_of
from reports.pdf import _weasyprint_html
from reports.yearly import YearReport


def render_html(report: YearReport) -> str:
    return render_to_string(
        "reports/year_pdf.html",
        {**document_context(report.kampung), "report": report, "printed_on": evening_of(timezone.now())},
    )


def build_pdf(report: YearReport) -> bytes:
    return _weasyprint_html()(string=render_html(report)).write_pdf()
