"""Writes of nightly rounds. A whole RT's sheet is saved in one transaction with a constant number of
queries, however many households the RT has: only the contributions that changed are created, updated or
deleted, each kind with one executemany (their history rows with one more), and the round's stored total
and counts are kept in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import RT, Household, HouseholdStatus
from jimpitan.lib.evening import evening_of
from jimpitan.lib.money import format_rupiah
from jimpitan.models import KampungProfile
from ledger.guards import assert_month_open
from ledger.lock import lock_ledger
from nightly.models import Contribution, ContributionState, Round

PAID_STATES = {ContributionState.PAID, ContributionState.LEFT_WITH_NEIGHBOUR}
# Choices.values builds a new list on every access; the sheet checks 500 rows against it.
STATES = frozenset(ContributionState.values)
DEFAULT_AMOUNT_CAP = 10_000
# Petugas correct their own recent work only: today's evening and the one before.
PETUGAS_WINDOW_EVENINGS = 2


class SheetRow(NamedTuple):
    """One household's line on the sheet. `state` "" means the patrol did not reach it (no contribution).

    A NamedTuple: a sheet makes 500 of these per save, and a frozen dataclass costs several times more to build.
    """

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
    if state not in STATES:
        raise ValidationError(_("Pilih Ada, Kosong atau Titip."), code="state")
    if state == ContributionState.EMPTY:
        return state, 0
    if not amount:
        if state == ContributionState.PAID and amount == 0:
            return ContributionState.EMPTY, 0
        raise ValidationError(_("Isi jumlah uangnya."), code="amount_missing")
    return state, amount


# --- saving ----------------------------------------------------------------------------------------

# A contribution as the save path handles it: (id, state, amount, note). Plain tuples, not model instances:
# building 500 Contribution objects and compiling the ORM's bulk statements cost more than the SQL itself.
StoredRow = tuple[int, str, int, str]
CONTRIBUTION_COLUMNS = ("round_id", "household_id", "evening", "amount", "state", "note")


def _executemany(sql: str, params: list[tuple]) -> None:
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def _insert_sql(model, attnames: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in attnames)
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(attnames))})"


def _write_contributions(
    rnd: Round,
    evening: dt.date,
    user,
    to_create: dict[int, tuple[str, int, str]],
    to_update: dict[int, StoredRow],
    to_delete: dict[int, StoredRow],
) -> None:
    """Write only the rows that changed, each kind with one executemany, and their history in one more.

    Plain INSERT / UPDATE by id / DELETE by id rather than an upsert on (household, evening): an upsert
    would quietly take over a row that another RT's round holds for the same household and evening (a
    household that moved RT), where the INSERT fails on the unique constraint and the save is refused.
    The closed-month triggers fire on every statement as before. History rows carry the same values that
    simple-history's bulk_history_create would write ('+', '~', '-', the user, one timestamp per save).
    """
    table = connection.ops.quote_name(Contribution._meta.db_table)
    day = Contribution._meta.get_field("evening").get_db_prep_save(evening, connection)
    # Deletes first, so a household moved between rows never trips the unique constraint.
    _executemany(f"DELETE FROM {table} WHERE id = %s", [(row[0],) for row in to_delete.values()])
    _executemany(
        f"UPDATE {table} SET state = %s, amount = %s, note = %s WHERE id = %s",
        [(state, amount, note, pk) for pk, state, amount, note in to_update.values()],
    )
    created: dict[int, StoredRow] = {}
    if to_create:
        _executemany(
            _insert_sql(Contribution, CONTRIBUTION_COLUMNS),
            [(rnd.pk, hid, day, amount, state, note) for hid, (state, amount, note) in to_create.items()],
        )
        # The new ids, for the history rows: one read, whatever the number of rows.
        ids = dict(Contribution.objects.filter(round=rnd).order_by().values_list("household_id", "id"))
        created = {hid: (ids[hid], *values) for hid, values in to_create.items()}

    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = Contribution.history.model
    attnames = ("id", *CONTRIBUTION_COLUMNS, "history_date", "history_change_reason", "history_type", "history_user_id")
    tracked = {f.attname for f in history.tracked_fields}
    if tracked != set(attnames[:7]):
        raise ImproperlyConfigured(f"Contribution history tracks {sorted(tracked)}; update _write_contributions.")
    now = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
    user_id = getattr(user, "pk", None)
    _executemany(_insert_sql(history, attnames), [
        (pk, rnd.pk, hid, day, amount, state, note, now, "", kind, user_id)
        for kind, rows in (("-", to_delete), ("~", to_update), ("+", created))
        for hid, (pk, state, amount, note) in rows.items()
    ])


def _round_header_matches(rnd: Round, collectors: str, counted_cash: int | None, notes: str) -> bool:
    return rnd.collectors == collectors and rnd.counted_cash == counted_cash and rnd.notes == notes


def _check_and_lock_round(*, rt: RT, evening: dt.date, user) -> Round | None:
    """The opening checks every round write makes inside its transaction (evening not ahead, the user may
    record it, its month open), then the stored round, locked (None: nothing saved yet)."""
    assert_not_future(evening)
    assert_can_record(user, evening)
    # The ledger lock first, like every money writer: a month being closed waits for this round, or this
    # round waits for the closing and then finds its month closed.
    lock_ledger()
    assert_month_open(evening)
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
            existing: dict[int, StoredRow] = {}
            if rnd is not None:
                existing = {
                    hid: (pk, state, amount, note)
                    for pk, hid, state, amount, note in Contribution.objects.filter(round=rnd).order_by()
                    .values_list("id", "household_id", "state", "amount", "note")
                }

            cap = amount_cap()
            statuses = dict(Household.objects.filter(rt=rt).order_by().values_list("id", "status"))
            wanted: dict[int, tuple[str, int, str]] = {}
            errors: dict[int, str] = {}
            for row in rows:
                status = statuses.get(row.household_id)
                if status is None:
                    errors[row.household_id] = _("Rumah ini bukan warga RT ini.")
                    continue
                try:
                    state, amount = normalise_row(row.state, row.amount, cap)
                except ValidationError as error:
                    errors[row.household_id] = error.messages[0]
                    continue
                if not state:
                    continue
                if status != HouseholdStatus.ACTIVE and row.household_id not in existing:
                    errors[row.household_id] = _("Rumah ini tidak aktif lagi, jadi tidak dicatat di malam baru.")
                    continue
                wanted[row.household_id] = (state, amount, row.note.strip() if state == "titip" else "")
            if errors:
                raise SheetError(errors)

            stored_version = rnd.version if rnd is not None else 0
            if stored_version != version:
                stored = {hid: row[1:] for hid, row in existing.items()}
                if rnd is not None and stored == wanted and _round_header_matches(rnd, collectors, counted_cash, notes):
                    return SaveResult(rnd, already_saved=True)
                raise RoundConflictError()

            posted = {row.household_id for row in rows}
            # A posted household without a state was not reached: its stored row goes.
            to_delete = {hid: row for hid, row in existing.items() if hid in posted and hid not in wanted}
            # Rows not on the posted sheet are kept as they are (and counted).
            kept = {hid: row[1:] for hid, row in existing.items() if hid not in posted}
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

            to_create: dict[int, tuple[str, int, str]] = {}
            to_update: dict[int, StoredRow] = {}
            for household_id, values in wanted.items():
                stored_row = existing.get(household_id)
                if stored_row is None:
                    to_create[household_id] = values
                elif stored_row[1:] != values:
                    # Unchanged rows are neither rewritten nor given a history record.
                    to_update[household_id] = (stored_row[0], *values)
            _write_contributions(rnd, evening, user, to_create, to_update, to_delete)

            user_ids = sorted(u.pk if hasattr(u, "pk") else int(u) for u in collector_users)
            if created:
                if user_ids:
                    rnd.collector_users.set(user_ids)
            elif user_ids != sorted(rnd.collector_users.values_list("pk", flat=True)):
                rnd.collector_users.set(user_ids)

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
    except IntegrityError as error:
        raise RoundConflictError() from error
    return SaveResult(rnd, created=created)
