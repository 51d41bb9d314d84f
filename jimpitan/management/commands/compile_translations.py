"""Compile every .po catalogue to .mo with polib, so that set-up needs no GNU gettext."""

from __future__ import annotations

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's and apps' .po files (skips those already up to date)."

    def handle(self, *args, **options) -> None:
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        # Only the project's own apps: the virtualenv also lives under BASE_DIR.
        roots += [
            Path(app.path) / "locale"
            for app in apps.get_app_configs()
            if Path(app.path).parent == Path(settings.BASE_DIR)
        ]
        compiled = 0
        for root in roots:
            for po_path in root.glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
        self.stdout.write(f"compiled {compiled} catalogue(s)")
