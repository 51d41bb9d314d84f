"""The A4 report for the notice board (WeasyPrint). No household names: RT totals only."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils import timezone

from jimpitan.documents import document_context
from jimpitan.lib.charts import income_vs_spending_svg, participation_svg
from jimpitan.lib.evening import evening_of
from reports.data import MonthReport


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def render_html(report: MonthReport) -> str:
    return render_to_string(
        "reports/report_pdf.html",
        {
            **document_context(report.kampung),
            "report": report,
            "summary": report.summary,
            "income_chart": _svg_data_uri(income_vs_spending_svg(report.recent_months, horizontal=False)),
            "participation_chart": _svg_data_uri(participation_svg(report.participation))
            if report.participation
            else None,
            "printed_on": evening_of(timezone.now()),
        },
    )


def _weasyprint_html():
    """WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES = True when it is imported. That would let a
    cut-off receipt photo pass spending.uploads' check in every process that ever made a PDF, so the flag
    is put back. Our report embeds only SVG, which does not need it."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def build_pdf(report: MonthReport) -> bytes:
    return _weasyprint_html()(string=render_html(report)).write_pdf()
