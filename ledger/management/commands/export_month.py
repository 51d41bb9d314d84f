"""`python manage.py export_month YYYY-MM --format pdf|xlsx|csv --output PATH`"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ledger.reports import data
from ledger.views.reports import render_report


class Command(BaseCommand):
    help = "Buat laporan bulanan (PDF, XLSX atau CSV) ke sebuah berkas."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--format", choices=["pdf", "xlsx", "csv"], required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, month: str, format: str, output: str, **options):
        try:
            first = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise CommandError("Bulan ditulis YYYY-MM, misalnya 2026-01.") from None
        report = data.build(first)
        content = render_report(report, format)
        Path(output).write_bytes(content)
        note = " (sementara)" if report.is_provisional else ""
        self.stdout.write(f"{output}: {len(content)} byte{note}")
