"""Pure helpers for household data: Indonesian phone numbers and text cells. No database access."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_PHONE_NOISE = re.compile(r"[\s\-.()/]")


class PhoneError(ValueError):
    """The message is Indonesian and ready to show next to the field."""


def normalise_phone(raw: str | int | None) -> str:
    """'0812-3456-7890', '62 812 3456 7890', '+62 (0)812…' or 81234567890 -> '+6281234567890'.

    A spreadsheet that kept the number as a number has lost its leading zero, so a bare '8…' is read as a
    mobile number. Blank gives ''. The national part (after +62) must be 8 to 12 digits and not start with 0:
    that covers mobile numbers (8xx) and landlines with their area code (21…, 271…).
    """
    if raw is None:
        return ""
    text = str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read as a float
        text = text[:-2]
    text = _PHONE_NOISE.sub("", text)
    if not text:
        return ""
    if text.startswith("+"):
        if not text.startswith("+62"):
            raise PhoneError(_("Nomor HP harus nomor Indonesia, diawali 08 atau +62."))
        national = text[3:]
    elif text.startswith("62"):
        national = text[2:]
    elif text.startswith("0"):
        national = text[1:]
    else:
        national = text
    if national.startswith("0"):  # "+62 (0)812…" written with the trunk zero
        national = national[1:]
    if not national.isdigit():
        raise PhoneError(_("Nomor HP hanya boleh berisi angka, misalnya 0812-3456-7890."))
    if not 8 <= len(national) <= 12 or national.startswith("0"):
        raise PhoneError(_("Nomor HP tidak lengkap atau terlalu panjang; periksa lagi, misalnya 0812-3456-7890."))
    return "+62" + national


def collapse_spaces(text: str) -> str:
    return " ".join(str(text).split())


class FormulaError(ValueError):
    pass


def clean_text_cell(text: str) -> str:
    """A spreadsheet's text marker (a leading apostrophe before = + - @, as our own CSV export writes it) is
    dropped, so an exported list imports back unchanged. Text that still begins with '=' is a formula:
    refused, so that no formula is ever stored and handed back to a spreadsheet."""
    text = collapse_spaces(text)
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    if text.startswith("="):
        raise FormulaError(_("Rumus spreadsheet tidak diterima; tulis isinya sebagai teks biasa."))
    return text
