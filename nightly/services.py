"""Writes of nightly rounds. A whole RT's sheet is saved in one transaction with a constant number of
queries, however many households the RT has: the contributions are created, updated and deleted in bulk
(with their history rows, also in bulk), and the round's stored total and counts are kept in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from households.models import RT, Household, HouseholdStatus
from jimpitan.lib.evening import evening_of
from jimpitan.lib.money import format_rupiah
from jimpitan.models import KampungProfile
from ledger.cache import invalidate_public_figures
from ledger.guards import assert_month_open
from nightly.models import Contribution, ContributionState, Round

PAID_STATES = {ContributionState.PAID, ContributionState.LEFT_WITH_NEIGHBOUR}
DEFAULT_AMOUNT_CAP = 10_000
# Petugas correct their own recent work only: today's evening and the one before.
PETUGAS_WINDOW_EVENINGS = 2


@dataclass(frozen=True)
class SheetRow:
    """One household's line on the sheet. `state` "" means the patrol did not reach it (no contribution)."""

    household_id: int
    state: str
    amount: int | None
    note: str = ""


@dataclass
class SaveResult:
    round: Round
    created: bool = False
    # A double submit of an already saved sheet: nothing written, nothing duplicated.
    already_saved: bool = False


class RoundConflictError(ValidationError):
    """The round was saved by someone else after this sheet was opened."""

    def __init__(self):
        super().__init__(
            _("Jimpitan malam ini sudah diubah orang lain sejak lembar ini dibuka. Isian Anda masih di bawah: "
              "periksa bedanya, lalu Simpan lagi."),
            code="conflict",
        )


class SheetError(ValidationError):
    """Bad rows: `row_errors` maps household id to the message shown beside that row."""

    def __init__(self, row_errors: dict[int, str], message: str | None = None):
        self.row_errors = row_errors
        super().__init__(message or _("Ada isian yang salah. Perbaiki baris yang ditandai; belum ada yang disimpan."),
                         code="rows")


# --- who may record which evening ------------------------------------------------------------------

def editable_evenings_start(user, today: dt.date | None = None) -> dt.date | None:
    """The earliest evening `user` may record, or None when any (open-month) evening will do."""
    if user.has_perm("nightly.record_any_evening"):
        return None
    today = today or evening_of()
    return today - dt.timedelta(days=PETUGAS_WINDOW_EVENINGS - 1)


def can_record(user, evening: dt.date) -> bool:
    if not (user.is_authenticated and user.has_perm("nightly.add_round") and user.has_perm("nightly.change_round")):
        return False
    # A future evening is refused as bad input (assert_not_future), not as a matter of role.
    start = editable_evenings_start(user)
    return start is None or evening >= start


def assert_can_record(user, evening: dt.date) -> None:
    if not can_record(user, evening):
        raise PermissionDenied(_("Anda tidak boleh mencatat atau mengubah jimpitan malam ini."))


def assert_not_future(evening: dt.date) -> None:
    if evening > evening_of():
        raise ValidationError(
            _("Malam itu belum terjadi. Pilih malam ini atau malam sebelumnya."), code="future"
        )


# --- row rules --------------------------------------------------------------------------------------

def amount_cap() -> int:
    profile = KampungProfile.load()
    return profile.amount_cap if profile else DEFAULT_AMOUNT_CAP


def normalise_row(state: str, amount: int | None, cap: int) -> tuple[str, int | None]:
    """Apply the sheet's rules to one row; returns (state, amount) or raises ValidationError.

    Typing an amount without a state means it was paid; 0 means the container was empty.
    """
    if amount is not None and amount < 0:
        raise ValidationError(_("Jumlah tidak boleh negatif."), code="negative")
    if amount is not None and amount > cap:
        raise ValidationError(
            _("Jumlah di atas batas wajar %(cap)s per rumah per malam. Periksa lagi.") % {"cap": format_rupiah(cap)},
            code="cap",
        )
    if state == "":
        if amount is None:
            return "", None
        state = ContributionState.PAID if amount > 0 else ContributionState.EMPTY
    if state not in ContributionState.values:
        raise ValidationError(_("Pilih Ada, Kosong atau Titip."), code="state")
    if state == ContributionState.EMPTY:
        return state, 0
    if not amount:
        if state == ContributionState.PAID and amount == 0:
            return ContributionState.EMPTY, 0
        raise ValidationError(_("Isi jumlah uangnya."), code="amount_missing")
    return state, amount


# --- saving ----------------------------------------------------------------------------------------

def _delete_with_history(contributions: Sequence[Contribution], user) -> None:
    """Delete rows in two queries: one bulk insert of '-' history records, one DELETE.

    QuerySet.delete() would fetch the rows and save one history row per object (through post_delete).
    """
    if not contributions:
        return
    history_model = Contribution.history.model
    now = timezone.now()
    history_model.objects.bulk_create(
        [
            history_model(
                history_date=now,
                history_user=user,
                history_type="-",
                history_change_reason="",
                **{f.attname: getattr(c, f.attname) for f in history_model.tracked_fields},
            )
            for c in contributions
        ]
    )
    # _raw_delete skips the collector: Contribution has no dependants, and history is written above.
    Contribution.objects.filter(pk__in=[c.pk for c in contributions])._raw_delete(Contribution.objects.db)


def _update_with_history(contributions: Sequence[Contribution], user) -> None:
    """Change rows in three queries: DELETE, INSERT with the same ids, and one bulk insert of '~' history.

    bulk_update() writes one CASE WHEN branch per row and field, which SQLite evaluates row by row: a full
    500-row correction took about 180 ms that way against about 50 ms for this. Nothing refers to a
    contribution's id, and the ids are kept, so the change is invisible outside this transaction.
    """
    if not contributions:
        return
    Contribution.objects.filter(pk__in=[c.pk for c in contributions])._raw_delete(Contribution.objects.db)
    Contribution.objects.bulk_create(contributions)
    Contribution.history.bulk_history_create(contributions, update=True, default_user=user)


def _round_header_matches(rnd: Round, collectors: str, counted_cash: int | None, notes: str) -> bool:
    return rnd.collectors == collectors and rnd.counted_cash == counted_cash and rnd.notes == notes


def _check_and_lock_round(*, rt: RT, evening: dt.date, user) -> Round | None:
    """The opening checks every round write makes inside its transaction (evening not ahead, the user may
    record it, its month open), then the stored round, locked (None: nothing saved yet)."""
    assert_not_future(evening)
    assert_can_record(user, evening)
    assert_month_open(evening)
    # PostgreSQL: lock the round so that two savers queue; SQLite's BEGIN IMMEDIATE already does.
    return Round.objects.select_for_update().filter(rt=rt, evening=evening).order_by("pk").first()


def save_sheet(
    *,
    rt: RT,
    evening: dt.date,
    user,
    version: int,
    rows: Iterable[SheetRow],
    collectors: str = "",
    collector_users: Sequence = (),
    counted_cash: int | None = None,
    notes: str = "",
) -> SaveResult:
    """Save a whole RT's round. `version` is the round's version when the sheet was opened (0: new).

    Raises PermissionDenied, ValidationError (future evening, closed month), SheetError (bad rows; nothing
    saved) or RoundConflictError (someone saved in between; nothing saved).
    """
    rows = list(rows)
    collectors = collectors.strip()
    notes = notes.strip()
    if counted_cash is not None and counted_cash < 0:
        raise ValidationError(_("Jumlah tidak boleh negatif."), code="negative")
    try:
        with transaction.atomic():
            rnd = _check_and_lock_round(rt=rt, evening=evening, user=user)
            existing: dict[int, Contribution] = {}
            if rnd is not None:
                existing = {c.household_id: c for c in Contribution.objects.filter(round=rnd)}

            cap = amount_cap()
            households = {h.pk: h for h in Household.objects.filter(rt=rt).only("id", "status", "rt_id")}
            wanted: dict[int, tuple[str, int, str]] = {}
            errors: dict[int, str] = {}
            for row in rows:
                household = households.get(row.household_id)
                if household is None:
                    errors[row.household_id] = _("Rumah ini bukan warga RT ini.")
                    continue
                try:
                    state, amount = normalise_row(row.state, row.amount, cap)
                except ValidationError as error:
                    errors[row.household_id] = error.messages[0]
                    continue
                if not state:
                    continue
                if household.status != HouseholdStatus.ACTIVE and row.household_id not in existing:
                    errors[row.household_id] = _("Rumah ini tidak aktif lagi, jadi tidak dicatat di malam baru.")
                    continue
                wanted[row.household_id] = (state, amount, row.note.strip() if state == "titip" else "")
            if errors:
                raise SheetError(errors)

            stored_version = rnd.version if rnd is not None else 0
            if stored_version != version:
                stored = {hid: (c.state, c.amount, c.note) for hid, c in existing.items()}
                if rnd is not None and stored == wanted and _round_header_matches(rnd, collectors, counted_cash, notes):
                    return SaveResult(rnd, already_saved=True)
                raise RoundConflictError()

            posted = {row.household_id for row in rows}
            to_create, to_update, to_delete = [], [], []
            for household_id, contribution in existing.items():
                if household_id in posted and household_id not in wanted:
                    to_delete.append(contribution)
            # Rows not on the posted sheet are kept as they are (and counted).
            kept = {hid: (c.state, c.amount, c.note) for hid, c in existing.items() if hid not in posted}
            final = {**kept, **wanted}

            created = rnd is None
            if created:
                rnd = Round(rt=rt, evening=evening, recorded_by=user, version=1)
            else:
                rnd.version += 1
            rnd.collectors = collectors
            rnd.counted_cash = counted_cash
            rnd.notes = notes
            rnd.is_total_only = False
            rnd.total = sum(amount for _s, amount, _n in final.values())
            rnd.households_listed = len(posted | set(kept))
            rnd.households_paid = sum(1 for state, _a, _n in final.values() if state in PAID_STATES)
            rnd._history_user = user
            rnd.save()

            for household_id, (state, amount, note) in wanted.items():
                contribution = existing.get(household_id)
                if contribution is None:
                    to_create.append(
                        Contribution(round=rnd, household_id=household_id, evening=evening,
                                     amount=amount, state=state, note=note)
                    )
                elif (contribution.state, contribution.amount, contribution.note) != (state, amount, note):
                    contribution.state, contribution.amount, contribution.note = state, amount, note
                    to_update.append(contribution)
            # Deletes first, so a household moved between rows never trips the unique constraint.
            _delete_with_history(to_delete, user)
            _update_with_history(to_update, user)
            if to_create:
                bulk_create_with_history(to_create, Contribution, default_user=user)

            user_ids = sorted(u.pk if hasattr(u, "pk") else int(u) for u in collector_users)
            if created:
                if user_ids:
                    rnd.collector_users.set(user_ids)
            elif user_ids != sorted(rnd.collector_users.values_list("pk", flat=True)):
                rnd.collector_users.set(user_ids)

            transaction.on_commit(invalidate_public_figures)
    except IntegrityError as error:
        # Two first saves of the same RT and evening at once (PostgreSQL): the unique constraint lets one win.
        if "round_unique_rt_evening" in str(error) or "UNIQUE" in str(error).upper():
            raise RoundConflictError() from error
        raise
    return SaveResult(rnd, created=created)


def save_total_only_round(
    *,
    rt: RT,
    evening: dt.date,
    user,
    version: int,
    total: int,
    counted_cash: int | None = None,
    collectors: str = "",
    notes: str = "",
) -> SaveResult:
    """Record just a round's total, for a night the RT kept no per-household record.

    The cash book counts it; participation figures leave it out (is_total_only).
    """
    if total is None or total < 0 or (counted_cash is not None and counted_cash < 0):
        raise ValidationError(_("Jumlah tidak boleh negatif."), code="negative")
    try:
        with transaction.atomic():
            rnd = _check_and_lock_round(rt=rt, evening=evening, user=user)
            stored_version = rnd.version if rnd is not None else 0
            if stored_version != version:
                if (rnd is not None and rnd.is_total_only and rnd.total == total
                        and _round_header_matches(rnd, collectors.strip(), counted_cash, notes.strip())):
                    return SaveResult(rnd, already_saved=True)
                raise RoundConflictError()
            if rnd is not None and not rnd.is_total_only and rnd.contributions.exists():
                raise ValidationError(
                    _("Jimpitan malam ini sudah dicatat per rumah. Ubah lewat lembar jimpitan."), code="has_rows"
                )
            created = rnd is None
            if created:
                rnd = Round(rt=rt, evening=evening, recorded_by=user, version=1)
            else:
                rnd.version += 1
            rnd.is_total_only = True
            rnd.total = total
            rnd.households_listed = 0
            rnd.households_paid = 0
            rnd.counted_cash = counted_cash
            rnd.collectors = collectors.strip()
            rnd.notes = notes.strip()
            rnd._history_user = user
            rnd.save()
            transaction.on_commit(invalidate_public_figures)
    except IntegrityError as error:
        raise RoundConflictError() from error
    return SaveResult(rnd, created=created)
