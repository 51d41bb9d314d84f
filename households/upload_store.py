"""Keeps an uploaded import file on the server between the preview and the commit request.

With media in an S3 bucket (several app servers) the file is kept there under `imports/`, so the commit may reach
another server than the preview; otherwise in this server's var folder. The browser only carries a random token;
the commit reads the file again and validates it again, so nothing the client sends back is trusted. The session
remembers which token belongs to the user.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages

from jimpitan.lib.backup import media_bucket

SESSION_KEY = "households_import"
MAX_AGE_SECONDS = 24 * 3600
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _storage() -> tuple[Storage, str]:
    """Where kept uploads live, and the prefix of their names there."""
    if media_bucket() is not None:
        return storages["default"], "imports/"
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemStorage(location=folder), ""


def _too_old(storage: Storage, name: str) -> bool:
    return storage.get_modified_time(name).timestamp() < time.time() - MAX_AGE_SECONDS


def sweep() -> int:
    """Delete every kept upload older than a day (abandoned previews); returns how many went."""
    storage, prefix = _storage()
    removed = 0
    for filename in storage.listdir(prefix or ".")[1]:
        name = prefix + filename
        try:
            if name.endswith(".upload") and _too_old(storage, name):
                storage.delete(name)
                removed += 1
        except OSError:
            pass  # another worker removed it first
    return removed


def keep(request, data: bytes, filename: str) -> str:
    storage, prefix = _storage()
    sweep()
    discard(request)
    token = secrets.token_urlsafe(24)
    storage.save(f"{prefix}{token}.upload", ContentFile(data))
    request.session[SESSION_KEY] = {"token": token, "filename": filename}
    return token


def load(request, token: str) -> tuple[bytes, str] | None:
    """The kept file, if `token` is this session's own and the file is still there."""
    kept = request.session.get(SESSION_KEY) or {}
    if not token or not _TOKEN_RE.match(token) or not secrets.compare_digest(kept.get("token", ""), token):
        return None
    storage, prefix = _storage()
    name = f"{prefix}{token}.upload"
    if not storage.exists(name):
        return None
    if _too_old(storage, name):
        # A preview left open for over a day is abandoned: the file goes, and the treasurer uploads again.
        discard(request)
        return None
    with storage.open(name, "rb") as kept_file:
        return kept_file.read(), kept.get("filename", "")


def set_mapping(request, mapping: list[str]) -> None:
    """Keep the column choices made for this session's upload, for the preview and the commit."""
    kept = request.session.get(SESSION_KEY)
    if kept:
        request.session[SESSION_KEY] = {**kept, "mapping": list(mapping)}


def kept_mapping(request) -> list[str] | None:
    return (request.session.get(SESSION_KEY) or {}).get("mapping")


def kept_token(request) -> str:
    return (request.session.get(SESSION_KEY) or {}).get("token", "")


def discard(request) -> None:
    """Forget this session's kept upload and delete its file. Also run on logout (a `user_logged_out` receiver)."""
    kept = request.session.pop(SESSION_KEY, None) or {}
    token = kept.get("token", "")
    if token and _TOKEN_RE.match(token):
        storage, prefix = _storage()
        storage.delete(f"{prefix}{token}.upload")
