"""`python manage.py export_year YYYY --format pdf|xlsx --output PATH` (or a term: `--dari --sampai`)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jimpitan.management.kampungs import add_kampung_argument, command_kampung
from jimpitan.tenancy import activate
from reports import yearly, yearly_formats


class Command(BaseCommand):
    help = "Buat laporan pertanggungjawaban (LPJ) setahun, atau satu periode, ke sebuah berkas PDF atau XLSX."

    def add_arguments(self, parser):
        parser.add_argument("year", nargs="?", help="YYYY (tidak dipakai bila --dari dan --sampai diberikan)")
        parser.add_argument("--format", choices=yearly_formats.FORMATS, required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--dari", help="awal periode, YYYY-MM-DD")
        parser.add_argument("--sampai", help="akhir periode, YYYY-MM-DD")
        add_kampung_argument(parser)

    def handle(
        self,
        *args,
        year: str | None,
        format: str,
        output: str,
        dari: str | None,
        sampai: str | None,
        kampung: str | None,
        **options,
    ):
        try:
            if dari or sampai:
                if not (dari and sampai):
                    raise yearly.TermError("Periode butuh --dari dan --sampai sekaligus.")
                term = yearly.parse_term(dari, sampai)
            else:
                term = yearly.parse_year(year)
        except yearly.TermError as error:
            raise CommandError(str(error)) from None
        with activate(command_kampung(kampung).pk):
            report = yearly.build(term)
            content = yearly_formats.render(report, format)
        Path(output).write_bytes(content)
        note = " (sementara)" if report.is_provisional else ""
        self.stdout.write(f"{output}: {len(content)} byte{note}")
