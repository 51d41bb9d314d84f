"""The monthly report page and its downloads (PDF, XLSX, CSV)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from jimpitan.lib.months import month_or_404, next_month
from nightly.selectors import RECAP_LIMIT, arrears_totals, duty_audit, missed_evenings
from reports import data, formats, whatsapp


@login_required
@permission_required("ledger.export_report", raise_exception=True)
def report_page(request: HttpRequest, month: str) -> HttpResponse:
    report = data.build(month_or_404(month))
    text = whatsapp.build_text(report, request.build_absolute_uri(reverse("public_ledger")))
    missed = missed_evenings(report.month, next_month(report.month))
    # The arrears' totals join the meeting recap only where the kampung bills empty nights.
    arrears = arrears_totals(missed) if report.kampung is not None and report.kampung.arrears_enabled else None
    return render(
        request,
        "reports/report_page.html",
        {
            "report": report,
            "summary": report.summary,
            "month_param": f"{report.month:%Y-%m}",
            "whatsapp_text": text,
            "whatsapp_url": "https://wa.me/?text=" + quote(text),
            "recap": missed[:RECAP_LIMIT],
            "arrears": arrears,
            "audit": duty_audit(report.month),
            "back_url": reverse("books:months"),
        },
    )


@login_required
@permission_required("ledger.export_report", raise_exception=True)
def report_download(request: HttpRequest, month: str, fmt: str) -> HttpResponse:
    if fmt not in formats.FORMATS:
        raise Http404
    report = data.build(month_or_404(month))
    response = HttpResponse(formats.render(report, fmt), content_type=formats.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{formats.filename(report, fmt)}"'
    return response
