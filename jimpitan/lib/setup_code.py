"""The one-time setup code: whoever fills in the first-run page must prove they can see the server.

The code is made once, kept in the var folder (mode 600), printed by `make run` and `manage.py setup_code`,
and deleted when the setup is done. Without it, whoever reached /setup/ first would own the books.

A kampung the operator adds to a deployment (`manage.py create_kampung`) has its own code instead: derived from
the SECRET_KEY, the kampung's id and a nonce kept on its row, so nothing is stored in the clear, and dead once
the kampung is set up (the nonce is emptied).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

# No 0/O, 1/I: the code is read off a terminal and typed on a phone.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
GROUPS, GROUP_LENGTH = 3, 4  # 60 bits: far beyond guessing over HTTP


def code_file() -> Path:
    return Path(settings.VAR_DIR) / "setup_code"


def _new_code() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    return "-".join(groups)


def current_code() -> str:
    """The setup code, made on first use. Several workers may ask at once; the first one written wins."""
    path = code_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            code = _new_code()
            with os.fdopen(descriptor, "w") as handle:
                handle.write(code + "\n")
            # The server's log is where an operator who started it some other way (systemd) finds the code.
            logger.warning("Setup code for the first-run page /setup/: %s (also in %s)", code, path)
            return code
    return path.read_text().strip()


def normalise(text: str) -> str:
    """Forgive case, spaces and dashes: 'abcd efgh-jklm' is the code ABCD-EFGH-JKLM."""
    return "".join(ch for ch in str(text).upper() if ch.isalnum())


def matches(candidate: str) -> bool:
    """True when `candidate` is the current code. Compared in constant time."""
    expected = normalise(current_code())
    return bool(expected) and secrets.compare_digest(normalise(candidate).encode(), expected.encode())


def forget() -> None:
    code_file().unlink(missing_ok=True)


def new_nonce() -> str:
    return secrets.token_hex(16)


def kampung_code(*, kampung_id: int, nonce: str) -> str:
    """The one-time code of a kampung awaiting setup, in the same shape as the install's (ABCD-EFGH-JKLM)."""
    message = f"jimpitan-kampung-setup:{kampung_id}:{nonce}".encode()
    number = int.from_bytes(hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()[:8], "big")
    letters = [ALPHABET[(number >> (5 * index)) % len(ALPHABET)] for index in range(GROUPS * GROUP_LENGTH)]
    return "-".join("".join(letters[start : start + GROUP_LENGTH]) for start in range(0, len(letters), GROUP_LENGTH))


def kampung_code_matches(candidate: str, *, kampung_id: int, nonce: str) -> bool:
    """True when `candidate` is the kampung's code; never without a nonce (set up, or not made by the operator)."""
    if not nonce:
        return False
    expected = normalise(kampung_code(kampung_id=kampung_id, nonce=nonce))
    return secrets.compare_digest(normalise(candidate).encode(), expected.encode())
