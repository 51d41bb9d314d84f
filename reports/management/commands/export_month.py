"""`python manage.py export_month YYYY-MM --format pdf|xlsx|csv --output PATH [--kampung SLUG]`"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jimpitan.lib.months import parse_month
from jimpitan.management.kampungs import add_kampung_argument, command_kampung
from jimpitan.tenancy import activate
from reports import data, formats


class Command(BaseCommand):
    help = "Buat laporan bulanan (PDF, XLSX atau CSV) ke sebuah berkas."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--format", choices=formats.FORMATS, required=True)
        parser.add_argument("--output", required=True)
        add_kampung_argument(parser)

    def handle(self, *args, month: str, format: str, output: str, kampung: str | None, **options):
        first = parse_month(month)
        if first is None:
            raise CommandError("Bulan ditulis YYYY-MM, misalnya 2026-01.")
        with activate(command_kampung(kampung).pk):
            report = data.build(first)
            content = formats.render(report, format)
        Path(output).write_bytes(content)
        note = " (sementara)" if report.is_provisional else ""
        self.stdout.write(f"{output}: {len(content)} byte{note}")
