"""The duty roster as text: parsing what the treasurer pastes from Excel, and writing the stored roster back
in the same form so the textarea round-trips.

One line per rule: the rule, a tab or `;`, then the names separated by commas. The rule is a weekday
("Senin"), a pasaran ("Legi"), a weton pair ("Kamis Pahing") or a date ("2026-12-24" or "24/12/2026").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jimpitan.lib.pasaran import PASARAN, WEEKDAYS, parse_pasaran, parse_weekday
from nightly.models import RosterAssignment, RosterKind

MAX_LINES = 400
MAX_NAME = 100


@dataclass(frozen=True)
class Rule:
    kind: str
    weekday: int | None = None
    pasaran: int | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class ParsedLine:
    rule: Rule
    names: tuple[str, ...]


def _parse_date(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_rule(text: str) -> Rule | None:
    words = text.split()
    if len(words) == 1:
        if (day := _parse_date(words[0])) is not None:
            return Rule(RosterKind.DATE, date=day)
        if (weekday := parse_weekday(words[0])) is not None:
            return Rule(RosterKind.WEEKDAY, weekday=weekday)
        if (pasaran := parse_pasaran(words[0])) is not None:
            return Rule(RosterKind.PASARAN, pasaran=pasaran)
    if len(words) == 2:
        weekday, pasaran = parse_weekday(words[0]), parse_pasaran(words[1])
        if weekday is not None and pasaran is not None:
            return Rule(RosterKind.WETON, weekday=weekday, pasaran=pasaran)
    return None


def _parse_line(line: str) -> ParsedLine:
    """One non-empty line, or ValueError with the message shown beside it."""
    parts = re.split(r"\t|;", line, maxsplit=1)
    rule = parse_rule(parts[0].strip())
    if rule is None:
        raise ValueError(
            _("“%(rule)s” bukan hari, pasaran, weton atau tanggal. Contoh: Senin, Legi, Kamis Pahing, 2026-12-24.")
            % {"rule": parts[0].strip()[:40]}
        )
    # Excel puts a tab between every cell: names may come as further cells or comma-separated in one.
    cells = re.split(r"[\t;,]", parts[1]) if len(parts) > 1 else []
    names = tuple(dict.fromkeys(name.strip() for name in cells if name.strip()))
    if not names:
        raise ValueError(_("Tulis nama petugas setelah tab atau titik koma."))
    if any(len(name) > MAX_NAME for name in names):
        raise ValueError(_("Nama petugas paling panjang %(n)d huruf.") % {"n": MAX_NAME})
    return ParsedLine(rule, names)


def parse_roster(text: str) -> tuple[list[ParsedLine], dict[int, str]]:
    """The parsed lines and the errors by line number (1-based). Blank lines are skipped."""
    lines, errors = [], {}
    raw_lines = text.splitlines()
    if len(raw_lines) > MAX_LINES:
        return [], {MAX_LINES + 1: _("Paling banyak %(n)d baris.") % {"n": MAX_LINES}}
    for number, line in enumerate(raw_lines, start=1):
        if not line.strip():
            continue
        try:
            lines.append(_parse_line(line))
        except ValueError as error:
            errors[number] = str(error)
    return lines, errors


def rule_text(assignment: RosterAssignment | Rule) -> str:
    if assignment.kind == RosterKind.DATE:
        return assignment.date.isoformat()
    if assignment.kind == RosterKind.WEEKDAY:
        return WEEKDAYS[assignment.weekday]
    if assignment.kind == RosterKind.PASARAN:
        return PASARAN[assignment.pasaran]
    return f"{WEEKDAYS[assignment.weekday]} {PASARAN[assignment.pasaran]}"


def roster_rows(assignments: list[RosterAssignment]) -> list[tuple[str, str]]:
    """The stored roster as (rule, names separated by commas), one row per rule in stored order: the lines of
    the textarea and the rows of the XLSX download alike, so either reads back as it was written."""
    by_rule: dict[str, list[str]] = {}
    for assignment in assignments:
        by_rule.setdefault(rule_text(assignment), []).append(assignment.display_name)
    return [(rule, ", ".join(names)) for rule, names in by_rule.items()]


def roster_text(assignments: list[RosterAssignment]) -> str:
    """The stored roster as paste text, one line per rule in stored order."""
    return "\n".join(f"{rule}\t{names}" for rule, names in roster_rows(assignments))
