"""Private WhatsApp links (wa.me) for one household's message: the number as WhatsApp wants it, and a kampung's
text with its {placeholders} filled in. No database access."""

from __future__ import annotations

import re
from urllib.parse import quote

_NOT_DIGIT = re.compile(r"\D")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# National numbers (after 62) are 8 to 12 digits and never start with 0: mobiles 8xx, landlines 21…, 271….
_NATIONAL_DIGITS = range(8, 13)
PLACEHOLDERS = ("nama", "rumah", "rt", "kampung")


def wa_number(phone: str | None) -> str:
    """'0812-3456-7890', '+62 812 3456 7890', '62812…' or '812…' -> '6281234567890'; '' when the text is not
    an Indonesian number (WhatsApp then lets the sender choose the chat)."""
    text = (phone or "").strip()
    if text.startswith("+") and not text.startswith("+62"):
        return ""
    digits = _NOT_DIGIT.sub("", text)
    if digits.startswith("62"):
        digits = digits[2:]
    digits = digits.lstrip("0")  # the trunk zero: 0812… or +62 (0)812…
    if len(digits) not in _NATIONAL_DIGITS:
        return ""
    return "62" + digits


def unknown_placeholders(template: str) -> list[str]:
    """The {words} in a kampung's text that are not placeholders we fill (a typo such as {nma})."""
    return sorted({name for name in _PLACEHOLDER.findall(template) if name not in PLACEHOLDERS})


def fill_text(template: str, values: dict[str, str]) -> str:
    """Replace each known {placeholder}; anything else stays as written. Not str.format: a kampung's text must
    not reach attributes ({nama.__class__}) or break on a stray brace."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)


def wa_link(phone: str | None, text: str) -> str:
    """https://wa.me/<number>?text=<text>; without a usable number, https://wa.me/?text=<text>."""
    return f"https://wa.me/{wa_number(phone)}?text={quote(text, safe='')}"
