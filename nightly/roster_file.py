"""The duty roster as a spreadsheet: an uploaded XLSX or CSV turned into the paste text, and the stored roster
as an XLSX with the same two columns, so a treasurer can edit it in Excel and upload it back.

Nothing here parses a rule or a name: each row becomes the line a treasurer would have pasted, numbered as the
file's row, and `nightly.roster.parse_roster` (through `services.replace_roster`) judges it. The file itself
is read by the household import's reader, which already bounds its size, its unpacked size and its width.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from households.importing import ImportFileError, read_table
from jimpitan.lib.exports import xlsx_bytes
from nightly.models import RosterAssignment
from nightly.roster import parse_rule, roster_rows

# A roster is at most a few hundred short rows; a bigger file is not one.
MAX_BYTES = 1024 * 1024
# Header words, Indonesian and English: the download's own headers are in the language of the page.
RULE_WORDS = {"hari", "jadwal", "malam", "aturan", "tanggal", "pasaran", "weton", "day", "date", "rule", "evening"}
NAME_WORDS = {"nama", "petugas", "anggota", "regu", "ronda", "name", "names", "collector", "collectors"}
XLSX_MAGIC, XLS_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


class RosterFileError(Exception):
    """The file as a whole cannot be read as a roster; the message is ready for the treasurer."""


def headers() -> tuple[str, str]:
    return _("Hari atau tanggal"), _("Petugas")


def roster_xlsx(assignments: list[RosterAssignment]) -> bytes:
    """The stored roster, one row per rule: the rule, then the names separated by commas."""
    return xlsx_bytes(headers(), roster_rows(assignments), title=_("Jadwal ronda"))


def _cell_text(value) -> str:
    """A cell as the treasurer sees it. Line breaks inside a cell (Alt+Enter) separate names, like commas."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s*[\r\n\t]+\s*", ", ", str(value).strip())


def _words(value) -> set[str]:
    return set(re.findall(r"[a-z]+", _cell_text(value).casefold()))


def _columns(header: list) -> tuple[int, list[int]] | None:
    """The rule column and the name columns named by a header row, or None when the row is no header."""
    rule = next((i for i, cell in enumerate(header) if _words(cell) & RULE_WORDS), None)
    if rule is None:
        return None
    names = [i for i, cell in enumerate(header) if i != rule and _words(cell) & NAME_WORDS]
    return (rule, names) if names else None


def _line(cells: list, rule: int, names: list[int]) -> str:
    picked = [_cell_text(cells[i]) for i in names if i < len(cells)]
    rule_cell = _cell_text(cells[rule]) if rule < len(cells) else ""
    return "\t".join([rule_cell, *(name for name in picked if name)])


def _read(data: bytes) -> list[tuple[int, list]]:
    if len(data) > MAX_BYTES:
        raise RosterFileError(_("Berkas lebih dari 1 MB. Jadwal ronda cukup satu lembar berisi dua kolom."))
    if not data.strip():
        raise RosterFileError(
            _("Berkas kosong. Isi satu baris per aturan: hari, pasaran, weton atau tanggal, lalu nama.")
        )
    if data[:4] not in (XLSX_MAGIC, XLS_MAGIC) and b"\x00" in data:
        raise RosterFileError(_("Berkas ini bukan XLSX atau CSV. Simpan jadwal dari Excel sebagai .xlsx atau .csv."))
    try:
        return read_table(data)
    except ImportFileError as error:
        raise RosterFileError(str(error)) from None


def roster_text_from_file(data: bytes) -> str:
    """The paste text the file means, line N being the file's row N (so errors name the row Excel shows).
    A first row naming the columns ("Hari", "Nama"...) picks them; without one, the first column is the rule
    and the others are names. Raises RosterFileError for an unreadable file or one with no roster rows."""
    rows = _read(data)
    rule, names = 0, list(range(1, max(len(cells) for _n, cells in rows)))
    first_number, first = rows[0]
    columns = None if parse_rule(_cell_text(first[0] if first else "")) else _columns(first)
    if columns is not None:
        (rule, names), rows = columns, rows[1:]
    lines = [""] * (rows[-1][0] if rows else first_number)
    for number, cells in rows:
        lines[number - 1] = _line(cells, rule, names)
    if not any(line.strip() for line in lines):
        # An empty upload would empty the roster; pasting nothing does that on purpose, a file never should.
        raise RosterFileError(_("Berkas ini tidak berisi jadwal: di bawah judul kolom tidak ada baris."))
    return "\n".join(lines)
