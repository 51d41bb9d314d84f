"""Keeps an uploaded import file on the server between the preview and the commit request.

The browser only carries a random token; the commit reads the file again and validates it again, so
nothing the client sends back is trusted. The session remembers which token belongs to the user.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

SESSION_KEY = "households_import"
MAX_AGE_SECONDS = 24 * 3600
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _too_old(path: Path) -> bool:
    return path.stat().st_mtime < time.time() - MAX_AGE_SECONDS


def sweep() -> int:
    """Delete every kept upload older than a day (abandoned previews); returns how many went."""
    removed = 0
    for path in _folder().glob("*.upload"):
        try:
            if _too_old(path):
                path.unlink()
                removed += 1
        except OSError:
            pass  # another worker removed it first
    return removed


def keep(request, data: bytes, filename: str) -> str:
    folder = _folder()
    sweep()
    discard(request)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.upload").write_bytes(data)
    request.session[SESSION_KEY] = {"token": token, "filename": filename}
    return token


def load(request, token: str) -> tuple[bytes, str] | None:
    """The kept file, if `token` is this session's own and the file is still there."""
    kept = request.session.get(SESSION_KEY) or {}
    if not token or not _TOKEN_RE.match(token) or not secrets.compare_digest(kept.get("token", ""), token):
        return None
    path = _folder() / f"{token}.upload"
    if not path.exists():
        return None
    if _too_old(path):
        # A preview left open for over a day is abandoned: the file goes, and the treasurer uploads again.
        discard(request)
        return None
    return path.read_bytes(), kept.get("filename", "")


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
        (_folder() / f"{token}.upload").unlink(missing_ok=True)
