"""Whole-Rupiah helpers. Money is always an int; there is no float or Decimal anywhere."""

from __future__ import annotations

import re


def format_rupiah(amount: int | None, *, sign: bool = False) -> str:
    """3500000 -> 'Rp 3.500.000'. Negative amounts read '-Rp 3.500'; `sign` adds '+' to positives."""
    if amount is None:
        return ""
    amount = int(amount)
    digits = f"{abs(amount):,}".replace(",", ".")
    prefix = "-" if amount < 0 else ("+" if sign and amount > 0 else "")
    return f"{prefix}Rp {digits}"


_RUPIAH_RE = re.compile(r"^(?:rp\.?\s*)?(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,0{1,2})?$", re.IGNORECASE)


class RupiahParseError(ValueError):
    pass


def parse_rupiah(text: str) -> int:
    """Read '3.500.000', '3500000', 'Rp 3.500.000' or '3.500.000,00' as an int.

    A decimal comma with non-zero sen, a stray letter or a fraction is refused: whole Rupiah only.
    """
    cleaned = str(text).strip().replace(" ", "").replace("\u00a0", "")
    match = _RUPIAH_RE.match(cleaned)
    if not match:
        raise RupiahParseError(text)
    sign, number = match.groups()
    value = int(number.replace(".", ""))
    return -value if sign else value
