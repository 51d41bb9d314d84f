"""Builders for the month-closing and report tests: rounds saved through the nightly service."""

from __future__ import annotations

import datetime as dt

from nightly.services import SheetRow, save_sheet


def save_round(rt, households, evening: dt.date, user, amount: int = 500, states: dict | None = None):
    states = states or {}
    rows = [
        SheetRow(h.pk, states.get(h.pk, "dibayar"), 0 if states.get(h.pk) == "kosong" else amount) for h in households
    ]
    return save_sheet(rt=rt, evening=evening, user=user, version=0, rows=rows).round
