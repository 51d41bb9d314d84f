"""The Berita Acara Serah Terima Bendahara as an A4 PDF (WeasyPrint), on the kampung's letterhead, signed by the
outgoing and the incoming Bendahara and acknowledged by the Ketua, dated on the handover day."""

from __future__ import annotations

from django.template.loader import render_to_string

from jimpitan.documents import document_context
from reports.handover import HandoverDocument
from reports.pdf import _weasyprint_html


def render_html(doc: HandoverDocument) -> str:
    return render_to_string(
        "reports/handover_pdf.html",
        {
            **document_context(doc.kampung),
            "doc": doc,
            # The handover's own three signers, not the kampung's usual columns; dated on the handover day.
            "signature_columns": doc.signature_columns,
            "printed_on": doc.day,
        },
    )


def build_pdf(doc: HandoverDocument) -> bytes:
    return _weasyprint_html()(string=render_html(doc)).write_pdf()
