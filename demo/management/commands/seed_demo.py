"""`manage.py seed_demo --households 500 --months 60 --seed 1`: a demo kampung in an empty database."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import seeding
from jimpitan.lib.money import format_rupiah
from jimpitan.management.kampungs import add_kampung_argument, command_kampung
from jimpitan.models import Kampung
from jimpitan.tenancy import activate


class Command(BaseCommand):
    help = "Fill an empty database with a demo kampung: RTs, households, nightly rounds, one user per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--households", type=int, default=330)
        parser.add_argument("--months", type=int, default=6)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force", action="store_true", help="Delete all bookkeeping data first (users and profile are kept)."
        )
        add_kampung_argument(parser)

    def handle(
        self, *args, households: int, months: int, seed: int, force: bool, kampung: str | None, **options
    ) -> None:
        if households < 1 or months < 1:
            raise CommandError("--households and --months must be at least 1.")
        if force and Kampung.objects.count() > 1:
            # The wipe empties whole tables, every kampung's rows with them.
            raise CommandError("--force wipes every kampung's bookkeeping: not in a deployment of several kampungs.")
        started = time.perf_counter()
        with activate(command_kampung(kampung).pk), transaction.atomic():
            if seeding.database_has_data():
                if not force:
                    raise CommandError(
                        "The database already holds bookkeeping data; seed_demo only fills an empty one. "
                        "Use --force to delete it first."
                    )
                seeding.wipe_bookkeeping()
            result = seeding.seed_demo(households=households, months=months, seed=seed)
        elapsed = time.perf_counter() - started
        out = self.stdout.write
        out(
            f"Demo kampung: {result.rts} RT, {result.households} households, {result.rounds} rounds, "
            f"{result.contributions} contributions ({result.first_evening} to {result.last_evening}), "
            f"jimpitan {format_rupiah(result.jimpitan_total)}"
            + (f"; {', '.join(result.extras)}" if result.extras else "")
            + f". Took {elapsed:.1f} s."
        )
        out("Demo users (username / role / password):")
        for username, role, password in result.users:
            out(f"  {username:<10} {role:<10} {password}")
