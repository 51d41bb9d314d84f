"""The secret key: kept once in the var folder when none is given, and refused when it is a known placeholder.

Imported by the settings module itself, so it needs nothing from Django but the exception class.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

MIN_LENGTH = 50
# Values that appear in our examples and in Django's own template: anyone can read them, so they sign nothing.
PLACEHOLDERS = frozenset({"change-me", "changeme", "secret", "your-secret-key", "replace-me"})
INSECURE_PREFIX = "django-insecure-"


def weakness(key: str) -> str | None:
    """Why `key` must not sign sessions in production, or None when it is fine."""
    if key.strip().lower() in PLACEHOLDERS:
        return f"DJANGO_SECRET_KEY is the placeholder {key!r} from an example"
    if key.startswith(INSECURE_PREFIX):
        return f"DJANGO_SECRET_KEY starts with Django's {INSECURE_PREFIX!r} prefix of a throw-away key"
    if len(key) < MIN_LENGTH:
        return f"DJANGO_SECRET_KEY is only {len(key)} characters long; it needs at least {MIN_LENGTH}"
    return None


HOW_TO_MAKE_ONE = "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def kept_key(folder: Path) -> str:
    """The key in `folder`/secret_key, created once (mode 600) when missing.

    Several gunicorn workers may start at once: the new key is written to a private temporary file and linked
    into place, so exactly one key wins and every worker reads that one.
    """
    key_file = folder / "secret_key"
    if not key_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(MIN_LENGTH))
        try:
            os.link(temporary, key_file)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return key_file.read_text().strip()
