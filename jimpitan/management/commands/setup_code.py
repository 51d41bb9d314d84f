"""Print the one-time code that the first-run page /setup/ asks for."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jimpitan.lib.setup_code import current_code
from jimpitan.middleware import setup_done


class Command(BaseCommand):
    help = "Print the one-time setup code that the first-run page /setup/ asks for."

    def handle(self, *args, **options) -> None:
        if setup_done():
            raise CommandError("Setup is already done: sign in at /masuk/. The setup code is no longer needed.")
        self.stdout.write(current_code())
