"""The duty roster printed for the pos ronda: A4, one RT per page (WeasyPrint, as reports/pdf.py does)."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from jimpitan.lib.dates import month_label
from jimpitan.lib.evening import evening_of


def _weasyprint_html():
    """WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES on import; put it back (see reports/pdf.py)."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def render_roster_html(*, month: dt.date, roster, kampung) -> str:
    return render_to_string(
        "nightly/roster_pdf.html",
        {
            "month": month,
            "month_label": month_label(month),
            "roster": roster,
            "kampung": kampung,
            "printed_on": evening_of(timezone.now()),
        },
    )


def build_roster_pdf(*, month: dt.date, roster, kampung) -> bytes:
    return _weasyprint_html()(string=render_roster_html(month=month, roster=roster, kampung=kampung)).write_pdf()
