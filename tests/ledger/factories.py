"""Builders for the month-closing and report tests: rounds saved through the nightly service."""

from __future__ import annotations

import datetime as dt

from ledger.models import Account, IssuedNumber, default_account_id
from nightly.services import SheetRow, record_handover, save_sheet


def numbered(kind: str, day: dt.date) -> list:
    """[year, seq] of a number issued for a row that a test writes in raw SQL: the database refuses a numbered
    document whose number was not issued to its kind."""
    return list(IssuedNumber.objects.issue(kind=kind, day=day))


def save_round(rt, households, evening: dt.date, user, amount: int = 500, states: dict | None = None):
    states = states or {}
    rows = [
        SheetRow(h.pk, states.get(h.pk, "dibayar"), 0 if states.get(h.pk) == "kosong" else amount) for h in households
    ]
    return save_sheet(rt=rt, evening=evening, user=user, version=0, rows=rows).round


def hand_over(rounds, received_on: dt.date, user, *, counted: int | None = None, explanation: str = ""):
    """The treasurer receives the rounds' money into Kas tunai (until then it is held by the patrol)."""
    rounds = list(rounds)
    return record_handover(
        received_on=received_on,
        round_ids=[r.pk for r in rounds],
        counted=sum(r.total for r in rounds) if counted is None else counted,
        account=Account.objects.get(pk=default_account_id()),
        handed_by_name="Petugas ronda",
        explanation=explanation,
        user=user,
    )
