"""`make run`: serve the app production-like on this machine or its LAN, under gunicorn.

DEBUG stays off (no debug page for a wrong Host header), static files are collected and served by WhiteNoise,
the secret key is the one kept in the var folder, and the allowed hosts are this machine's own names and, with
--host 0.0.0.0, its LAN addresses. While no kampung exists the printed link carries the one-time setup code.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand

from jimpitan.lib.network import allowed_hosts_for, lan_addresses
from jimpitan.lib.setup_code import current_code
from jimpitan.middleware import setup_done

# A kampung LAN has no HTTPS: the protections that need it are off here, and stay on by default in production.
PLAIN_HTTP_ENV = {"JIMPITAN_SSL_REDIRECT": "0", "JIMPITAN_SECURE_COOKIES": "0", "JIMPITAN_HSTS_SECONDS": "0"}


class Command(BaseCommand):
    help = "Collect static files and serve the app under gunicorn (what `make run` does)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 serves the whole LAN.")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=3)

    def handle(self, *args, host: str, port: int, workers: int, **options) -> None:
        self.collect_static()
        env = self.server_env(host)
        self.print_links(host, port)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "jimpitan.wsgi:application",
            "--bind",
            self.bind(host, port),
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
        ]
        sys.stdout.flush()
        sys.stderr.flush()
        os.execvpe(sys.executable, command, env)

    def collect_static(self) -> None:
        """Collect (hash and compress) the static files, unless they are unchanged since the last run.

        Compressing the vendor files takes a minute or more on a small machine; a restart should not.
        """
        stamp = Path(settings.STATIC_ROOT) / ".source-fingerprint"
        fingerprint = static_fingerprint()
        if stamp.exists() and stamp.read_text() == fingerprint:
            return
        self.stdout.write("Preparing static files (the first run takes a minute)...")
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)

    @staticmethod
    def bind(host: str, port: int) -> str:
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    @staticmethod
    def server_env(host: str) -> dict[str, str]:
        env = dict(os.environ)
        for name, value in PLAIN_HTTP_ENV.items():
            env.setdefault(name, value)
        # The operator's own list wins; otherwise the names this server can be reached by.
        if not env.get("DJANGO_ALLOWED_HOSTS"):
            env["DJANGO_ALLOWED_HOSTS"] = ",".join(allowed_hosts_for(host))
        return env

    def print_links(self, host: str, port: int) -> None:
        if host in ("0.0.0.0", "::", ""):
            names = ["127.0.0.1", *lan_addresses()]
        else:
            names = [f"[{host}]" if ":" in host else host]
        path = "/"
        if not setup_done():
            code = current_code()
            path = f"/setup/?kode={code}"
            self.stdout.write(
                f"Setup code: {code}  (also: python manage.py setup_code; file {settings.VAR_DIR}/setup_code)"
            )
            self.stdout.write("Open this link to name the kampung and create the treasurer's account:")
        else:
            self.stdout.write("Jimpitan is running. Open:")
        for name in names:
            self.stdout.write(f"  http://{name}:{port}{path}")
        if settings.DEBUG:
            self.stdout.write(self.style.WARNING("DJANGO_DEBUG is on: do not share this server on a network."))


def static_fingerprint() -> str:
    """Names, sizes and times of every source static file, and the storage that processes them."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            status = os.stat(storage.path(path))
            digest.update(
                f"{getattr(storage, 'prefix', '') or ''}/{path}:{status.st_size}:{status.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()
