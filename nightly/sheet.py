"""The nightly sheet as the page holds it: what was typed on each line, read from a POST; the no-JavaScript
"Isi semua"; the lines and totals the page shows; and which lines differ from the stored round after a
conflict. It decides nothing about money: the state and amount rule is ContributionState's, the save is
nightly.services.save_sheet's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _

from households.models import AwayReason, Household, HouseholdStatus
from nightly.forms import parse_amount
from nightly.models import EMPTY_AMOUNT, NOT_COLLECTED, Contribution, ContributionState
from nightly.services import SheetRow

# A posted state must be one of these; NOT_COLLECTED is the "–" radio.
SHEET_STATES = frozenset((NOT_COLLECTED, *ContributionState.values))
NOTE_MAX_LENGTH = 200

# The state and amount rule as sheet.js reads it, from data- attributes on the form.
STATE_RULE = {
    "paid_states": " ".join(sorted(ContributionState.paid_values())),
    "paid_state": ContributionState.PAID.value,
    "empty_state": ContributionState.EMPTY.value,
    "empty_amount": EMPTY_AMOUNT,
}


@dataclass(slots=True)
class SheetEntry:
    """One line as typed, kept as text so that a refused sheet shows exactly what was typed."""

    amount: str = ""
    state: str = NOT_COLLECTED
    note: str = ""

    @property
    def untouched(self) -> bool:
        return not self.state and not self.amount


@dataclass(slots=True)
class SheetLine:
    """One household's line on the page."""

    household: Household = field(repr=False)
    amount: str
    state: str
    note: str
    error: str = ""
    # After a conflict: the stored value where it differs from what was typed ("" where they agree).
    stored: str = ""
    # The away reason's word ("Mudik") for an away household without a row: shown, never filled or posted.
    away: str = ""
    # The evening is paid by a catch-up ("ahead" or "caught_up"): the line takes no input and saves nothing.
    covered: str = ""

    @property
    def inactive(self) -> bool:
        return self.household.status != HouseholdStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class SheetTotals:
    total: int
    paid: int
    listed: int


def amount_or_none(text: str) -> int | None:
    """The amount a line's text stands for, or None when it stands for none (empty or unreadable)."""
    try:
        return parse_amount(text)
    except forms.ValidationError:
        return None


def _stored_entry(contribution: Contribution | None) -> SheetEntry:
    if contribution is None:
        return SheetEntry()
    return SheetEntry(str(contribution.amount), contribution.state, contribution.note)


def _stored_text(contribution: Contribution | None) -> str:
    if contribution is None:
        return _("tidak diambil")
    return f"{ContributionState(contribution.state).label} · {contribution.amount}"


@dataclass
class Sheet:
    """One RT's sheet: the typed entries by household (empty for a sheet opened fresh, which shows the stored
    round), the rows the service saves, and the errors and conflict marks the page shows."""

    entries: dict[int, SheetEntry] = field(default_factory=dict)
    rows: list[SheetRow] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)
    conflict: bool = False

    @classmethod
    def from_post(cls, data: Mapping[str, str], household_ids: Iterable[int]) -> Sheet:
        """Read the posted lines (fields a-<id>, s-<id>, n-<id>) of the households on the sheet."""
        sheet = cls()
        for key in household_ids:
            entry = SheetEntry(
                data.get(f"a-{key}", "").strip(), data.get(f"s-{key}", ""), data.get(f"n-{key}", "")[:NOTE_MAX_LENGTH]
            )
            sheet.entries[key] = entry
            if entry.state not in SHEET_STATES:
                sheet.errors[key] = _("Pilih Ada, Kosong atau Titip.")
                continue
            try:
                amount = parse_amount(entry.amount)
            except forms.ValidationError as error:
                sheet.errors[key] = error.messages[0]
                continue
            sheet.rows.append(SheetRow(key, entry.state, amount, entry.note))
        return sheet

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def fill(self, households: Iterable[Household], covered: Collection[int] = ()) -> None:
        """'Isi semua' without JavaScript: every line with neither state nor amount gets the usual amount, but
        an away household's and the houses whose evening is already paid (`covered`)."""
        for household in households:
            if getattr(household, "away_reason", None) or household.pk in covered:
                continue
            entry = self.entries.setdefault(household.pk, SheetEntry())
            if entry.untouched:
                state = ContributionState.for_amount(household.usual_amount)
                entry.state = state.value
                entry.amount = str(EMPTY_AMOUNT if state == ContributionState.EMPTY else household.usual_amount)

    def add_errors(self, errors: Mapping[int, str]) -> None:
        self.errors.update(errors)

    def mark_conflict(self) -> None:
        """Someone saved the round meanwhile: the lines show the stored value wherever it differs."""
        self.conflict = True

    def lines(
        self,
        households: Iterable[Household],
        stored: Mapping[int, Contribution],
        covered: Mapping[int, str] | None = None,
    ) -> list[SheetLine]:
        """One line per household: what was typed, else what is stored; a house in `covered` ({id: "ahead" or
        "caught_up"}) as paid by a catch-up, without input."""
        lines = []
        covered = covered or {}
        for household in households:
            if household.pk in covered:
                lines.append(SheetLine(household, "", NOT_COLLECTED, "", covered=covered[household.pk]))
                continue
            contribution = stored.get(household.pk)
            entry = self.entries.get(household.pk) or _stored_entry(contribution)
            line = SheetLine(household, entry.amount, entry.state, entry.note, self.errors.get(household.pk, ""))
            reason = getattr(household, "away_reason", None)
            if reason and contribution is None and entry.untouched:
                line.away = str(AwayReason(reason).label)
            if self.conflict and _differs(entry, contribution):
                line.stored = _stored_text(contribution)
            lines.append(line)
        return lines

    @staticmethod
    def totals(lines: list[SheetLine]) -> SheetTotals:
        """The draft total and paying houses the server shows (the JS keeps them live while typing)."""
        total = paid = away = 0
        for line in lines:
            away += bool(line.away)
            if line.error or line.covered or not ContributionState.counts_as_paid(line.state):
                continue
            amount = amount_or_none(line.amount) if line.amount else EMPTY_AMOUNT
            if amount is not None:
                total += amount
                paid += 1
        return SheetTotals(total, paid, len(lines) - away)


def _differs(entry: SheetEntry, contribution: Contribution | None) -> bool:
    stored = (contribution.state, contribution.amount) if contribution else (NOT_COLLECTED, None)
    return stored != (entry.state, amount_or_none(entry.amount))
