"""How the app names a person on pages, papers and exports."""

from __future__ import annotations

from typing import Any


def display_name(user: Any) -> str:
    """The full name the account holder gave, else the username; "" for no one."""
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()
