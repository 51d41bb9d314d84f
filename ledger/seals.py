"""The seal of a closed month (segel bulan): a SHA-256 over a plain text of the month's public figures.

The text is published as it was sealed (UTF-8, one fact per line, LF endings), so anyone can recompute the seal
with `sha256sum`. Each text names the previous month's seal, so the seals form a chain: changing a sealed
month changes every seal after it, and `check_ledger` names the first month that no longer matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from jimpitan.lib.months import next_month
from ledger.selectors import MonthSummary
from ledger.sources import FLOW_FIELDS, cash_sources

FORMAT = "segel-buku-jimpitan 1"
NO_PREVIOUS = "-"  # the first sealed month
OPTIONAL_FIELDS = frozenset({"catch_ups"})


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def public_lines(month: dt.date) -> list[str]:
    """One line per record of the sources that name their records (the month's spending), by date."""
    lines = []
    for source in cash_sources():
        if source.label_field is None:
            continue
        rows = (
            source.rows()
            .filter(**{f"{source.date_field}__gte": month, f"{source.date_field}__lt": next_month(month)})
            .order_by(source.date_field, "pk")
            .values_list(source.date_field, source.amount_field, source.label_field)
        )
        lines += [f"{source.flow_field} {day:%Y-%m-%d} {amount} {_one_line(label)}" for day, amount, label in rows]
    return lines


def canonical_text(summary: MonthSummary, previous_seal: str) -> str:
    """The text a month's seal is computed over."""
    lines = [FORMAT, f"bulan {summary.month:%Y-%m}", f"saldo_awal {summary.opening}"]
    if summary.brought_over:
        lines.append(f"saldo_buku_lama {summary.brought_over}")
    # Catch-ups came after the first seals: their line is written only when there are any, so the months
    # sealed before keep the text (and the seal) they were closed with.
    lines += [
        f"{field} {getattr(summary.flow, field)}"
        for field in FLOW_FIELDS
        if field not in OPTIONAL_FIELDS or getattr(summary.flow, field)
    ]
    lines += public_lines(summary.month)
    lines += [f"saldo_akhir {summary.closing}", f"segel_sebelumnya {previous_seal or NO_PREVIOUS}"]
    return "\n".join(lines) + "\n"


def seal_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
