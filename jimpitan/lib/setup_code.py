"""The one-time setup code: whoever fills in the first-run page must prove they can see the server.

The code is made once, kept in the var folder (mode 600), printed by `make run` and `manage.py setup_code`,
and deleted when the setup is done. Without it, whoever reached /setup/ first would own the books.
"""

from __future__ import annotations

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
