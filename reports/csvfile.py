"""The month's cash-book lines as CSV (UTF-8 with a BOM for Excel)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jimpitan.lib.exports import csv_bytes
from reports.data import MonthReport, cash_lines


def build_csv(report: MonthReport) -> bytes:
    # A context keeps "Masuk"/"Keluar" (money in/out) apart from the login and logout buttons' words.
    headers = [
        _("Tanggal"),
        _("No. bukti"),
        _("Jenis"),
        _("Keterangan"),
        pgettext("uang", "Masuk"),
        pgettext("uang", "Keluar"),
        _("Saldo"),
    ]
    rows = [(None, "", _("Saldo awal"), "", None, None, report.summary.opening)]
    rows += [
        (line.day.isoformat(), line.number, line.kind, line.description, line.amount_in, line.amount_out, line.balance)
        for line in cash_lines(report)
    ]
    rows.append((None, "", _("Saldo akhir"), "", None, None, report.summary.closing))
    return csv_bytes(headers, rows)
