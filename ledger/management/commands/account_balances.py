"""Print each account's balance and the total, at the end of a date (today if not given).

The total is the cash book's balance on that date: transfers move money between accounts, never in or out, and
the rounds' money that the patrol still held then ("di petugas", on no account yet) is its own line.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jimpitan.lib.money import format_rupiah
from jimpitan.management.kampungs import add_kampung_argument, command_kampung
from jimpitan.tenancy import activate
from ledger.selectors import account_balances, held_outside_accounts


class Command(BaseCommand):
    help = "Saldo tiap akun kas dan totalnya pada akhir sebuah tanggal (hari ini bila tidak diberi)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD")
        add_kampung_argument(parser)

    def handle(self, *args, **options) -> None:
        day = timezone.localdate()
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"Tanggal tidak dikenali: {options['date']!r} (pakai YYYY-MM-DD)") from error
        with activate(command_kampung(options["kampung"]).pk):
            self.print_balances(day)

    def print_balances(self, day: dt.date) -> None:
        rows = account_balances(day)
        width = max([len(row.account.name) for row in rows] + [5])
        self.stdout.write(f"Saldo akun pada {day.isoformat()}")
        for row in rows:
            retired = "" if row.account.is_active else " (tidak aktif)"
            self.stdout.write(f"{row.account.name.ljust(width)}  {format_rupiah(row.balance):>18}{retired}")
        held = held_outside_accounts(day)
        label = "Di petugas"
        width = max(width, len(label))
        if held:
            self.stdout.write(f"{label.ljust(width)}  {format_rupiah(held):>18}")
        self.stdout.write(f"{'Total'.ljust(width)}  {format_rupiah(sum(row.balance for row in rows) + held):>18}")
