"""The monthly report page and its downloads (PDF, XLSX, CSV)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from jimpitan.lib.exports import XLSX_CONTENT_TYPE
from ledger.reports import data, whatsapp
from ledger.views.closing import parse_month

CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE, "csv": "text/csv; charset=utf-8"}


def render_report(report: data.MonthReport, fmt: str) -> bytes:
    if fmt == "pdf":
        from ledger.reports.pdf import build_pdf

        return build_pdf(report)
    if fmt == "xlsx":
        from ledger.reports.xlsx import build_xlsx

        return build_xlsx(report)
    if fmt == "csv":
        from ledger.reports.csvfile import build_csv

        return build_csv(report)
    raise ValueError(fmt)


def report_filename(report: data.MonthReport, fmt: str) -> str:
    suffix = "-sementara" if report.is_provisional else ""
    return f"laporan-jimpitan-{report.month:%Y-%m}{suffix}.{fmt}"


@login_required
@permission_required("ledger.export_report", raise_exception=True)
def report_page(request: HttpRequest, month: str) -> HttpResponse:
    report = data.build(parse_month(month))
    text = whatsapp.build_text(report, request.build_absolute_uri("/"))
    return render(request, "ledger/reports/report_page.html", {
        "report": report,
        "summary": report.summary,
        "month_param": f"{report.month:%Y-%m}",
        "whatsapp_text": text,
        "whatsapp_url": "https://wa.me/?text=" + quote(text),
        "recap": data.empty_recap(report.month),
        "back_url": reverse("books:months"),
    })


@login_required
@permission_required("ledger.export_report", raise_exception=True)
def report_download(request: HttpRequest, month: str, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    report = data.build(parse_month(month))
    response = HttpResponse(render_report(report, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, fmt)}"'
    return response
