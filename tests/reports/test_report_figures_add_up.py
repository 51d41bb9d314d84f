"""Issue 14 §3: the monthly report adds up, the balance brought over from the old books included, in each of
its forms: the page, the PDF (its text), the XLSX Ringkasan, the CSV and the WhatsApp text."""

from __future__ import annotations

import csv
import io
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from demo.seeding import seed_demo
from jimpitan.lib.months import month_start, next_month
from ledger.models import Adjustment
from nightly.models import Handover
from reports import data
from reports.csvfile import build_csv
from reports.pdf import build_pdf
from reports.whatsapp import build_text
from reports.xlsx import build_xlsx
from tests.figures_addup import amount, check_adds_up, figures_in

pytestmark = pytest.mark.django_db

BROUGHT_OVER = 1_250_000
LABELS = {  # the Ringkasan's lines, Indonesian
    "Saldo awal": "opening",
    "Saldo dari buku lama": "brought-over",
    "Jimpitan": "jimpitan",
    "Rapel jimpitan": "catch-ups",
    "Pemasukan lain": "other-income",
    "Pengeluaran": "expenses",
    "Koreksi": "adjustments",
    "Saldo akhir": "closing",
}


@pytest.fixture
def months():
    """The demo books' months, oldest first, with a correction in the current month."""
    result = seed_demo(households=30, months=3, seed=5)
    first = month_start(result.first_evening)
    Adjustment.objects.create(
        entry_date=timezone.localdate(), amount=-15_000, reason="Salah hitung", corrects_month=first
    )
    out, month = [], first
    while month <= month_start(timezone.localdate()):
        out.append(month)
        month = next_month(month)
    return out


def _pdf_summary(pdf: bytes) -> dict[str, int]:
    """The Ringkasan lines of the PDF's text, read the way a reader reads the printed page."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    lines = text.decode().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Ringkasan")
    figures = {}
    for line in lines[start + 1 :]:
        match = re.match(r"\s*(\S.*?)\s{2,}([+\-−]?Rp [\d.]+)\s*$", line)
        if match and match.group(1) in LABELS:
            figures[LABELS[match.group(1)]] = amount(match.group(2))
        if figures.get("closing") is not None:
            break
    return figures


def test_each_pdf_summary_adds_up(months):
    for month in months:
        figures = _pdf_summary(build_pdf(data.build(month)))
        check_adds_up(figures, f"PDF {month:%Y-%m}")
        if month == months[0]:
            assert figures["brought-over"] == BROUGHT_OVER and figures["opening"] == 0
        else:
            assert "brought-over" not in figures
    # The current month's correction, and the demo's handover shortfalls of the month (explained lines).
    shortfalls = Handover.objects.filter(received_on__gte=months[-1]).aggregate(total=Sum("difference"))["total"]
    assert figures["adjustments"] == -15_000 + (shortfalls or 0)


def test_the_report_page_adds_up(client, months):
    client.force_login(get_user_model().objects.get(username="bendahara"))
    for month in months:
        html = client.get(reverse("reports:month", args=[month.strftime("%Y-%m")])).content.decode()
        figures = figures_in(html).loose
        check_adds_up(figures, f"report page {month:%Y-%m}")
    first = client.get(reverse("reports:month", args=[months[0].strftime("%Y-%m")])).content.decode()
    assert figures_in(first).loose["brought-over"] == BROUGHT_OVER


def test_xlsx_ringkasan_adds_up(months):
    from openpyxl import load_workbook

    for month in months:
        sheet = load_workbook(io.BytesIO(build_xlsx(data.build(month))), read_only=True)["Ringkasan"]
        figures = {
            LABELS[label]: value for label, value in sheet.iter_rows(values_only=True, max_col=2) if label in LABELS
        }
        check_adds_up(figures, f"XLSX {month:%Y-%m}")
        assert ("brought-over" in figures) == (month == months[0])
    first = load_workbook(io.BytesIO(build_xlsx(data.build(months[0]))), read_only=True)["Ringkasan"]
    labels = [row[0] for row in first.iter_rows(values_only=True, max_col=1)]
    assert labels.index("Saldo dari buku lama") == labels.index("Saldo awal") + 1


def test_csv_runs_from_opening_to_closing_through_the_brought_over_line(months):
    for month in months:
        report = data.build(month)
        rows = list(csv.reader(io.StringIO(build_csv(report).decode("utf-8-sig"))))
        body = rows[1:]
        assert body[0][2] == "Saldo awal" and body[-1][2] == "Saldo akhir"
        balance = int(body[0][6])
        for row in body[1:-1]:
            balance += int(row[4] or 0) - int(row[5] or 0)
            assert int(row[6]) == balance, row
            # Every line but a jimpitan evening and the brought-over balance names its document's number.
            assert bool(row[1]) == (row[2] not in ("Jimpitan", "Saldo dari buku lama")), row
        assert balance == int(body[-1][6]) == report.summary.closing
        kinds = [row[2] for row in body]
        assert ("Saldo dari buku lama" in kinds) == (month == months[0])


def test_whatsapp_text_adds_up(months):
    for month in months:
        text = build_text(data.build(month), "https://kas.example/")
        figures = {}
        for line in text.splitlines():
            match = re.match(r"\*?([^:*]+): ([+\-−]?Rp [\d.]+)\*?$", line)
            if match and match.group(1) in LABELS:
                figures.setdefault(LABELS[match.group(1)], amount(match.group(2)))
        check_adds_up(figures, f"WhatsApp {month:%Y-%m}")
        assert (figures.get("brought-over") == BROUGHT_OVER) == (month == months[0])
