"""`manage.py backup --output PATH`: one archive with the database and the uploaded files."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jimpitan.lib.backup import BackupError, create_backup
from jimpitan.lib.kampung_archive import export_kampung
from jimpitan.models import Kampung
from jimpitan.tenancy import activate


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded receipts/photos into one .tar.gz archive. Safe while the app "
        "runs. PATH may be a file name or a folder (a dated name is chosen inside it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="archive file, or a folder for dated archives")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="afterwards delete all but the newest N dated archives in that folder",
        )
        parser.add_argument(
            "--kampung",
            metavar="SLUG",
            default="",
            help="only this kampung's rows and files, to load into another deployment (restore --kampung-archive)",
        )

    def handle(self, *args, output: str, keep: int | None, kampung: str, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep must be 1 or more.")
        if kampung:
            self._one_kampung(kampung, Path(output))
            return
        try:
            result = create_backup(Path(output), keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        size_kb = result.path.stat().st_size // 1024
        self.stdout.write(
            f"Backup written: {result.path} ({size_kb} KB; {manifest['engine']} database, "
            f"{manifest['media_files']} uploaded files)."
        )
        if manifest["media_bucket"]:
            self.stdout.write(
                f"The uploaded files are in the S3 bucket {manifest['media_bucket']}, not in this archive: "
                "keep that bucket versioned and copied elsewhere (README, many kampungs deployment)."
            )
        if manifest["row_counts"]:
            counts = ", ".join(f"{label.split('.')[1]}: {n}" for label, n in manifest["row_counts"].items())
            self.stdout.write(f"Contains {counts}.")
        self.stdout.write("Copy it off this machine: see README, section Backups.")

    def _one_kampung(self, slug: str, output: Path) -> None:
        kampung = Kampung.objects.filter(slug=slug).first()
        if kampung is None:
            raise CommandError(f"No kampung with the slug {slug!r}.")
        with activate(kampung.pk):
            manifest = export_kampung(kampung, output)
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"Kampung {slug} written: {manifest['path']} ({rows} rows, {manifest['users']} accounts, "
            f"{manifest['media_files']} uploaded files)."
        )
