"""Delete household-import uploads left over a day (a preview nobody imported). Run daily from cron."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from households import upload_store


class Command(BaseCommand):
    help = "Delete uploaded household-import files older than a day (abandoned previews)."

    def handle(self, *args, **options) -> None:
        removed = upload_store.sweep()
        self.stdout.write(f"Deleted {removed} abandoned import upload(s).")
