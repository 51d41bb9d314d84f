"""`manage.py restore PATH`: bring a backup archive back, then migrate and check the books."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from jimpitan.lib.backup import BackupError, restore_backup, row_counts


class Command(BaseCommand):
    help = (
        "Restore a backup archive made by `manage.py backup` into an empty database and media folder. "
        "Stop the app first. Refuses a target that holds data unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz archive to restore")
        parser.add_argument(
            "--force", action="store_true", help="replace a database and media folder that already hold data"
        )

    def handle(self, *args, archive: str, force: bool, **options):
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
