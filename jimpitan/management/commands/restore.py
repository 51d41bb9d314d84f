"""`manage.py restore PATH`: bring a backup archive back, then migrate and check the books."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from jimpitan.lib.backup import BackupError, restore_backup, row_counts
from jimpitan.lib.kampung_archive import import_kampung, kampung_rows
from jimpitan.tenancy import activate


class Command(BaseCommand):
    help = (
        "Restore a backup archive made by `manage.py backup` into an empty database and media folder. "
        "Stop the app first. Refuses a target that holds data unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="?", default="", help="the .tar.gz archive to restore")
        parser.add_argument(
            "--kampung-archive",
            metavar="PATH",
            default="",
            help="add one kampung from an archive of backup --kampung, beside the kampungs already here",
        )
        parser.add_argument("--slug", default="", help="with --kampung-archive: import under this slug instead")
        parser.add_argument("--name", default="", help="with --kampung-archive: and under this name")
        parser.add_argument(
            "--force", action="store_true", help="replace a database and media folder that already hold data"
        )

    def handle(self, *args, archive: str, force: bool, kampung_archive: str, **options):
        if kampung_archive:
            self._one_kampung(Path(kampung_archive), slug=options["slug"], name=options["name"])
            return
        if not archive:
            raise CommandError("Name the archive to restore (or --kampung-archive PATH for one kampung).")
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        try:
            manifest = restore_backup(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} ({manifest['media_files']} uploaded files)."
        )
        # A backup from an older version gets the newer tables and columns.
        call_command("migrate", interactive=False, verbosity=0)
        counts = ", ".join(f"{label.split('.')[1]}: {n}" for label, n in row_counts().items())
        self.stdout.write(f"The database now holds {counts}.")
        self.stdout.write("Checking the books (check_ledger)...")
        try:
            call_command("check_ledger", stdout=self.stdout, stderr=self.stderr)
        except CommandError:
            raise CommandError(
                "The backup was restored, but check_ledger found problems (see above). "
                "Tell the treasurer before the app is used again."
            ) from None
        self.stdout.write(self.style.SUCCESS("Restore complete. Start the app again."))

    def _one_kampung(self, path: Path, *, slug: str, name: str) -> None:
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        try:
            kampung, manifest, renamed = import_kampung(path, slug=slug, name=name)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Imported kampung {kampung.slug} ({kampung.name}) from the archive of {manifest['created_at']}."
        )
        for old, new in renamed.items():
            self.stdout.write(f"The username {old} was taken here: that account is now {new}.")
        with activate(kampung.pk):
            counts = ", ".join(f"{label.split('.')[1]}: {n}" for label, n in kampung_rows(kampung))
            self.stdout.write(f"It holds {counts}.")
            self.stdout.write("Checking the books (check_ledger)...")
            try:
                call_command("check_ledger", stdout=self.stdout, stderr=self.stderr)
            except CommandError:
                raise CommandError(
                    "The kampung was imported, but check_ledger found problems (see above). "
                    "Tell its treasurer before the app is used again."
                ) from None
        self.stdout.write(self.style.SUCCESS("Import complete."))
