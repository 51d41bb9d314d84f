"""Writes of nightly rounds. A whole RT's sheet is saved in one transaction with a constant number of
queries, however many households the RT has: only the contributions that changed are created, updated or
deleted, each kind with one executemany (their history rows with one more), and the round's stored total
and counts are kept in step.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_mod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeGuard

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import RT, Household, HouseholdStatus
from jimpitan.lib.dates import long_date
from jimpitan.lib.evening import evening_of
from jimpitan.lib.money import format_rupiah
from jimpitan.lib.months import month_start
from jimpitan.lib.pasaran import weton_label
from jimpitan.lib.sql import insert_sql
from jimpitan.models import KampungProfile
from jimpitan.roles import BENDAHARA, PETUGAS, users_with_role
from ledger.guards import assert_month_open, closed_months, month_closed_error
from ledger.lock import lock_ledger
from ledger.models import Account
from ledger.services import run_balance_checked_write
from nightly.models import (
    NOT_COLLECTED,
    CatchUp,
    CatchUpEvening,
    Contribution,
    ContributionState,
    Handover,
    PhoneTap,
    RosterAssignment,
    RosterKind,
    RosterSwap,
    Round,
    SwapKind,
    SwapStatus,
)
from nightly.roster import ParsedLine, parse_roster
from nightly.selectors import covered_evenings, on_duty_assignments, on_duty_user_ids

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
            _(
                "Jimpitan malam ini sudah diubah orang lain sejak lembar ini dibuka. Isian Anda masih di bawah: "
                "periksa bedanya, lalu Simpan lagi."
            ),
            code="conflict",
        )


class SheetError(ValidationError):
    """Bad rows: `row_errors` maps household id to the message shown beside that row."""

    def __init__(self, row_errors: dict[int, str], message: str | None = None):
        self.row_errors = row_errors
        super().__init__(
            message or _("Ada isian yang salah. Perbaiki baris yang ditandai; belum ada yang disimpan."), code="rows"
        )


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


def assert_on_duty(user, *, rt: RT, evening: dt.date) -> None:
    """With the kampung's roster rule on, only that evening's rostered petugas may record the RT's round. Here,
    in the path every saver takes, so a sheet, a total-only round and a queued phone record all get it."""
    if user.has_perm("nightly.record_any_evening"):
        return
    profile = KampungProfile.load()
    if profile is None or not profile.roster_only_on_duty:
        return
    if user.pk not in on_duty_user_ids(rt=rt, evening=evening):
        raise PermissionDenied(
            _(
                "Anda tidak terjadwal ronda di %(rt)s malam ini (%(evening)s), jadi belum boleh mencatat. Minta "
                "Bendahara mencatatnya, atau ajukan tukar jadwal."
            )
            % {"rt": rt, "evening": weton_label(evening)}
        )


def assert_not_future(evening: dt.date) -> None:
    if evening > evening_of():
        raise ValidationError(_("Malam itu belum terjadi. Pilih malam ini atau malam sebelumnya."), code="future")


# --- row rules --------------------------------------------------------------------------------------


def amount_cap() -> int:
    profile = KampungProfile.load()
    return profile.amount_cap if profile else DEFAULT_AMOUNT_CAP


def total_cap(rt: RT) -> int:
    """The most an RT's evening can plausibly bring: every household on its route at the per-house cap."""
    households = Household.objects.filter(rt=rt).on_route().count()
    return max(households, 1) * amount_cap()


def check_total(total: int | None, *, rt: RT) -> None:
    if total is None or total < 0:
        raise ValidationError(_("Jumlah tidak boleh negatif."), code="negative")
    cap = total_cap(rt)
    if total > cap:
        raise ValidationError(
            _(
                "Total di atas batas wajar %(cap)s untuk %(rt)s (semua rumahnya dikali batas per rumah). "
                "Periksa lagi jumlahnya."
            )
            % {"cap": format_rupiah(cap), "rt": rt},
            code="cap",
        )


def check_amount(amount: int | None, cap: int) -> None:
    """The bounds of one household's amount; the state it goes with is ContributionState.normalise's."""
    if amount is not None and amount < 0:
        raise ValidationError(_("Jumlah tidak boleh negatif."), code="negative")
    if amount is not None and amount > cap:
        raise ValidationError(
            _("Jumlah di atas batas wajar %(cap)s per rumah per malam. Periksa lagi.") % {"cap": format_rupiah(cap)},
            code="cap",
        )


def normalise_row(state: str, amount: int | None, cap: int, note: str = "") -> tuple[str, int | None, str]:
    """Apply the sheet's rules to one row; returns (state, amount, note) or raises ValidationError."""
    check_amount(amount, cap)
    return ContributionState.normalise(state, amount, note)


# --- saving ---------------------------------------------------------------------------------------

# A contribution as the save path handles it: (id, state, amount, note). Plain tuples, not model instances:
# building 500 Contribution objects and compiling the ORM's bulk statements cost more than the SQL itself.
StoredRow = tuple[int, str, int, str]
# A contribution as the sheet wants it stored: (state, amount, note).
WantedRow = tuple[str, int, str]
# A contribution is in its round's kampung.
CONTRIBUTION_COLUMNS = ("kampung_id", "round_id", "household_id", "evening", "amount", "state", "note")


@dataclass(frozen=True)
class RoundHeader:
    """What a save writes on the round besides its figures, trimmed as it is stored."""

    collectors: str
    counted_cash: int | None
    notes: str

    @classmethod
    def clean(cls, *, collectors: str, counted_cash: int | None, notes: str) -> RoundHeader:
        if counted_cash is not None and counted_cash < 0:
            raise ValidationError(_("Jumlah tidak boleh negatif."), code="negative")
        return cls(collectors.strip(), counted_cash, notes.strip())

    def matches(self, rnd: Round) -> bool:
        return rnd.header_matches(collectors=self.collectors, counted_cash=self.counted_cash, notes=self.notes)


class RowDiff(NamedTuple):
    """What a sheet save changes: rows to create, update (with the new values) and delete, and every row the
    round holds afterwards with the number of houses it lists."""

    create: dict[int, WantedRow]
    update: dict[int, StoredRow]
    delete: dict[int, StoredRow]
    final: dict[int, WantedRow]
    listed: int


def _executemany(sql: str, params: list[tuple]) -> None:
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def _check_and_lock_round(*, rt: RT, evening: dt.date, user) -> Round | None:
    """The opening checks every round write makes inside its transaction (evening not ahead, the user may
    record it, its month open), then the stored round, locked (None: nothing saved yet)."""
    assert_not_future(evening)
    assert_can_record(user, evening)
    assert_on_duty(user, rt=rt, evening=evening)
    # The ledger lock first, like every money writer: a month being closed waits for this round, or this
    # round waits for the closing and then finds its month closed.
    lock_ledger()
    assert_month_open(evening)
    rnd = Round.objects.select_for_update().filter(rt=rt, evening=evening).order_by("pk").first()
    if rnd is not None and rnd.handover_id is not None:
        raise handed_over_error()
    return rnd


def handed_over_error() -> ValidationError:
    """The refusal for a change to a round whose money the treasurer has received (a database trigger also
    refuses it)."""
    return ValidationError(
        _(
            "Uang jimpitan malam ini sudah diserahkan ke Bendahara, jadi catatannya tidak bisa diubah lagi. "
            "Bendahara bisa menghapus setorannya dulu (selama bulannya belum ditutup), lalu mengubahnya."
        ),
        code="handed_over",
    )


def _check_version(rnd: Round | None, *, version: int, unchanged: Callable[[Round], bool]) -> TypeGuard[Round]:
    """Compare the version the sheet was opened at with the stored one. True (so `rnd` is a round): they differ only
    because this very save already went through (a double submit). Raises RoundConflictError when someone else saved."""
    if (rnd.version if rnd is not None else 0) == version:
        return False
    if rnd is not None and unchanged(rnd):
        return True
    raise RoundConflictError()


def _read_stored_rows(rnd: Round | None) -> dict[int, StoredRow]:
    if rnd is None:
        return {}
    return {
        hid: (pk, state, amount, note)
        for pk, hid, state, amount, note in Contribution.objects.filter(round=rnd)
        .order_by()
        .values_list("id", "household_id", "state", "amount", "note")
    }


def _validate_rows(
    *, rt: RT, rows: list[SheetRow], stored: dict[int, StoredRow], covered: frozenset[int] = frozenset()
) -> dict[int, WantedRow]:
    """The rows to store by household, after the sheet's rules. Raises SheetError with every bad row. A house
    whose evening a catch-up already paid (`covered`: paid ahead, say) gets no contribution, whatever is sent."""
    cap = amount_cap()
    statuses = dict(Household.objects.filter(rt=rt).order_by().values_list("id", "status"))
    wanted: dict[int, WantedRow] = {}
    errors: dict[int, str] = {}
    for row in rows:
        status = statuses.get(row.household_id)
        if status is None:
            errors[row.household_id] = _("Rumah ini bukan warga RT ini.")
            continue
        try:
            state, amount, note = normalise_row(row.state, row.amount, cap, row.note)
        except ValidationError as error:
            errors[row.household_id] = error.messages[0]
            continue
        if state == NOT_COLLECTED or row.household_id in covered:
            continue
        assert amount is not None  # normalise_row gives every collected state an amount
        if status != HouseholdStatus.ACTIVE and row.household_id not in stored:
            errors[row.household_id] = _("Rumah ini tidak aktif lagi, jadi tidak dicatat di malam baru.")
            continue
        wanted[row.household_id] = (state, amount, note)
    if errors:
        raise SheetError(errors)
    return wanted


def _diff_rows(stored: dict[int, StoredRow], wanted: dict[int, WantedRow], posted: set[int]) -> RowDiff:
    # A posted household without a state was not reached: its stored row goes.
    delete = {hid: row for hid, row in stored.items() if hid in posted and hid not in wanted}
    # Rows not on the posted sheet (a sheet opened before a house joined the round) are kept, and counted.
    kept = {hid: row[1:] for hid, row in stored.items() if hid not in posted}
    create: dict[int, WantedRow] = {}
    update: dict[int, StoredRow] = {}
    for household_id, values in wanted.items():
        stored_row = stored.get(household_id)
        if stored_row is None:
            create[household_id] = values
        elif stored_row[1:] != values:
            # Unchanged rows are neither rewritten nor given a history record.
            update[household_id] = (stored_row[0], *values)
    return RowDiff(create, update, delete, {**kept, **wanted}, len(posted | set(kept)))


def _write_header(rnd: Round | None, *, rt: RT, evening: dt.date, user, header: RoundHeader, diff: RowDiff) -> Round:
    rnd = rnd if rnd is not None else Round(rt=rt, evening=evening, recorded_by=user)
    rnd.write_header(
        user=user,
        collectors=header.collectors,
        counted_cash=header.counted_cash,
        notes=header.notes,
        total=sum(amount for _s, amount, _n in diff.final.values()),
        households_listed=diff.listed,
        households_paid=sum(1 for state, _a, _n in diff.final.values() if ContributionState.counts_as_paid(state)),
        is_total_only=False,
    )
    return rnd


def _write_rows(rnd: Round, *, evening: dt.date, user, diff: RowDiff, reason: str = "") -> None:
    """Write only the rows that changed, each kind with one executemany, and their history in one more.

    Plain INSERT / UPDATE by id / DELETE by id rather than an upsert on (household, evening): an upsert
    would quietly take over a row that another RT's round holds for the same household and evening (a
    household that moved RT), where the INSERT fails on the unique constraint and the save is refused.
    The closed-month triggers fire on every statement as before.
    """
    table = connection.ops.quote_name(Contribution._meta.db_table)
    day = Contribution._meta.get_field("evening").get_db_prep_save(evening, connection)
    # Deletes first, so a household moved between rows never trips the unique constraint.
    _executemany(f"DELETE FROM {table} WHERE id = %s", [(row[0],) for row in diff.delete.values()])
    _executemany(
        f"UPDATE {table} SET state = %s, amount = %s, note = %s WHERE id = %s",
        [(state, amount, note, pk) for pk, state, amount, note in diff.update.values()],
    )
    created: dict[int, StoredRow] = {}
    if diff.create:
        _executemany(
            insert_sql(Contribution, CONTRIBUTION_COLUMNS),
            [
                (rnd.kampung_id, rnd.pk, hid, day, amount, state, note)
                for hid, (state, amount, note) in diff.create.items()
            ],
        )
        # The new ids, for the history rows: one read, whatever the number of rows.
        ids = dict(Contribution.objects.filter(round=rnd).order_by().values_list("household_id", "id"))
        created = {hid: (ids[hid], *values) for hid, values in diff.create.items()}
    _write_row_history(
        rnd, day=day, user=user, changes=(("-", diff.delete), ("~", diff.update), ("+", created)), reason=reason
    )


def _write_row_history(
    rnd: Round, *, day, user, changes: Iterable[tuple[str, dict[int, StoredRow]]], reason: str = ""
) -> None:
    """The history rows simple-history's bulk_history_create would write ('+', '~', '-', the user, one
    timestamp per save), in one executemany instead of one model instance per row."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = Contribution.history.model
    attnames = ("id", *CONTRIBUTION_COLUMNS, "history_date", "history_change_reason", "history_type", "history_user_id")
    tracked = {f.attname for f in history.tracked_fields}
    if tracked != set(attnames[:8]):
        raise ImproperlyConfigured(f"Contribution history tracks {sorted(tracked)}; update _write_row_history.")
    now = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
    user_id = getattr(user, "pk", None)
    _executemany(
        insert_sql(history, attnames),
        [
            (pk, rnd.kampung_id, rnd.pk, hid, day, amount, state, note, now, reason, kind, user_id)
            for kind, rows in changes
            for hid, (pk, state, amount, note) in rows.items()
        ],
    )


def _set_collectors(rnd: Round, *, created: bool, collector_users: Sequence) -> None:
    user_ids = sorted(u.pk if hasattr(u, "pk") else int(u) for u in collector_users)
    if created:
        if user_ids:
            rnd.collector_users.set(user_ids)
    # A correction that keeps the same collectors writes no m2m rows (and no query beyond this read).
    elif user_ids != sorted(rnd.collector_users.values_list("pk", flat=True)):
        rnd.collector_users.set(user_ids)


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
    header = RoundHeader.clean(collectors=collectors, counted_cash=counted_cash, notes=notes)
    try:
        with transaction.atomic():
            rnd = _check_and_lock_round(rt=rt, evening=evening, user=user)
            stored = _read_stored_rows(rnd)
            covered = frozenset(hid for hid, _evening in covered_evenings(evenings=[evening]))
            wanted = _validate_rows(rt=rt, rows=rows, stored=stored, covered=covered)

            def unchanged(current: Round) -> bool:
                kept = {hid: row[1:] for hid, row in stored.items() if hid not in covered}
                return kept == wanted and header.matches(current)

            if _check_version(rnd, version=version, unchanged=unchanged):
                return SaveResult(rnd, already_saved=True)
            # A covered house's line takes no input: what is stored for it (an empty container) stays.
            diff = _diff_rows(stored, wanted, {row.household_id for row in rows} - covered)
            created = rnd is None
            rnd = _write_header(rnd, rt=rt, evening=evening, user=user, header=header, diff=diff)
            _write_rows(rnd, evening=evening, user=user, diff=diff)
            _set_collectors(rnd, created=created, collector_users=collector_users)
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
    check_total(total, rt=rt)
    header = RoundHeader.clean(collectors=collectors, counted_cash=counted_cash, notes=notes)
    try:
        with transaction.atomic():
            rnd = _check_and_lock_round(rt=rt, evening=evening, user=user)
            if _check_version(
                rnd,
                version=version,
                unchanged=lambda current: current.is_total_only and current.total == total and header.matches(current),
            ):
                return SaveResult(rnd, already_saved=True)
            if rnd is not None and not rnd.is_total_only and rnd.contributions.exists():
                raise ValidationError(
                    _("Jimpitan malam ini sudah dicatat per rumah. Ubah lewat lembar jimpitan."), code="has_rows"
                )
            created = rnd is None
            rnd = rnd if rnd is not None else Round(rt=rt, evening=evening, recorded_by=user)
            rnd.write_header(
                user=user,
                collectors=header.collectors,
                counted_cash=header.counted_cash,
                notes=header.notes,
                total=total,
                households_listed=0,
                households_paid=0,
                is_total_only=True,
            )
    except IntegrityError as error:
        raise RoundConflictError() from error
    return SaveResult(rnd, created=created)


# --- Keliling: taps synced from a collector's phone -------------------------------------------------

SAVED, DUPLICATE, CONFLICT, REFUSED = "saved", "duplicate", "conflict", "refused"
# A phone clock a little ahead of the server's is not a capture from the future.
CLOCK_SKEW = dt.timedelta(minutes=5)
# The history rows a sync writes say so: their time is the arrival, and the tap's capture time is on PhoneTap.
PHONE_REASON = "keliling"


@dataclass
class Tap:
    """One record from the phone, parsed; `answer` is what the phone is told about it."""

    uuid: uuid_mod.UUID
    code: str
    state: str
    amount: int | None
    captured_at: dt.datetime
    evening: dt.date
    household: Household | None = None
    answer: str = ""
    message: str = ""

    @property
    def house(self) -> Household:
        """The household, for the taps _screen_taps let through (only found houses get that far)."""
        assert self.household is not None
        return self.household

    def answered(self, answer: str, message: str) -> None:
        self.answer, self.message = answer, message


def _parse_tap(raw) -> Tap | tuple[str, str]:
    """A phone record as a Tap, or (id, message) when it cannot be read at all."""
    raw_id = str(raw.get("id", "")) if isinstance(raw, dict) else ""
    try:
        tap_id = uuid_mod.UUID(raw_id)
        captured = dt.datetime.fromisoformat(str(raw["captured_at"]))
        amount = raw.get("amount")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
            raise ValueError("amount")
        code, state = str(raw["household"]), str(raw["state"])
        chosen = dt.date.fromisoformat(str(raw["evening"])) if raw.get("evening") else None
    except (KeyError, TypeError, ValueError):
        return raw_id, _("Catatan ini tidak terbaca. Catat ulang rumah ini.")
    if timezone.is_naive(captured):
        # The phone always sends its offset; a bare time is read as the kampung's own.
        captured = timezone.make_aware(captured)
    evening = evening_of(captured)
    # A collector correcting an earlier evening names it; a tap never lands on an evening after its capture.
    if chosen is not None and chosen < evening:
        evening = chosen
    return Tap(tap_id, code, state, amount, captured, evening)


def _refusal(tap: Tap, *, may_record: Callable[[dt.date], bool], cap: int, now: dt.datetime, tonight: dt.date) -> str:
    """Why this tap may not be stored, checked against the same rules as the sheet; '' when it may."""
    if tap.household is None:
        return _("Kode rumah tidak dikenal.")
    if tap.captured_at > now + CLOCK_SKEW or tap.evening > tonight:
        return _("Malam itu belum terjadi. Periksa jam di ponsel.")
    if not tap.household.is_active:
        return _("Rumah ini tidak aktif lagi, jadi tidak dicatat di malam baru.")
    if not may_record(tap.evening):
        return _("Petugas hanya boleh mencatat malam ini dan malam sebelumnya. Minta Bendahara untuk mengubahnya.")
    try:
        tap.state, amount, _note = normalise_row(tap.state, tap.amount, cap)
    except ValidationError as error:
        return error.messages[0]
    if tap.state == NOT_COLLECTED or amount is None:
        return _("Pilih Ada, Kosong atau Titip.")
    tap.amount = amount
    return ""


def _read_taps(records: Sequence) -> tuple[list[Tap], list[dict]]:
    """Parse the batch; the unreadable records are answered at once."""
    taps: list[Tap] = []
    unreadable: list[dict] = []
    for raw in records:
        parsed = _parse_tap(raw)
        if isinstance(parsed, Tap):
            taps.append(parsed)
        else:
            unreadable.append({"id": parsed[0], "status": REFUSED, "message": parsed[1]})
    return taps, unreadable


def _screen_taps(taps: list[Tap], *, user) -> list[Tap]:
    """Answer duplicates and refusals (four queries for the whole batch); returns the taps left to store."""
    seen = set(PhoneTap.objects.filter(uuid__in=[t.uuid for t in taps]).values_list("uuid", flat=True))
    households = Household.objects.filter(private_code__in={t.code for t in taps}).select_related("rt")
    by_code = {h.private_code: h for h in households}
    cap, now = amount_cap(), timezone.now()
    tonight = evening_of(now)
    closed = closed_months(t.evening for t in taps)
    covered = covered_evenings(household_ids=[h.pk for h in households], evenings={t.evening for t in taps})
    allowed: dict[dt.date, bool] = {}

    def may_record(evening: dt.date) -> bool:
        # Once per evening, not per tap: the permission check walks the auth backends every time.
        if evening not in allowed:
            allowed[evening] = can_record(user, evening)
        return allowed[evening]

    left: list[Tap] = []
    for tap in taps:
        tap.household = by_code.get(tap.code)
        if tap.uuid in seen:
            tap.answered(DUPLICATE, _("Sudah tersimpan sebelumnya."))
            continue
        seen.add(tap.uuid)
        reason = _refusal(tap, may_record=may_record, cap=cap, now=now, tonight=tonight)
        if not reason and month_start(tap.evening) in closed:
            reason = month_closed_error(tap.evening).messages[0]
        if not reason and (tap.house.pk, tap.evening) in covered:
            reason = _("Rumah ini sudah dibayar di muka untuk malam itu; tidak perlu dicatat.")
        if reason:
            tap.answered(REFUSED, reason)
        else:
            left.append(tap)
    return left


def _last_written(rnd: Round | None) -> dict[int, dt.datetime]:
    """When each household's stored value in the round was last decided: a sheet save at the time it was made,
    a phone's tap at the time it was captured (it may reach the server an hour later). Two queries."""
    if rnd is None:
        return {}
    taps = (
        PhoneTap.objects.filter(round=rnd, outcome=SAVED)
        .order_by()
        .values("household_id")
        .annotate(last=Max("captured_at"))
        .values_list("household_id", "last")
    )
    written = dict(taps)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        saves = (
            Contribution.history.filter(round_id=rnd.pk)
            .exclude(history_change_reason=PHONE_REASON)
            .order_by()
            .values("household_id")
            .annotate(last=Max("history_date"))
            .values_list("household_id", "last")
        )
        for hid, last in saves:
            written[hid] = max(last, written.get(hid, last))
    return written


def _apply_taps(taps: list[Tap], stored: dict[int, StoredRow], written: dict[int, dt.datetime]) -> RowDiff:
    """The later capture wins: a tap made before the stored value was last written is a conflict and changes
    nothing; otherwise it creates or updates the house's row (its earlier value stays in the history)."""
    create: dict[int, WantedRow] = {}
    update: dict[int, StoredRow] = {}
    current = {hid: row[1:] for hid, row in stored.items()}
    saved = _("Tersimpan.")  # translated once: 500 lookups of the same message were a tenth of the sync
    for tap in sorted(taps, key=lambda t: t.captured_at):
        hid = tap.house.pk
        assert tap.amount is not None  # _refusal stored the normalised amount
        values: WantedRow = (tap.state, tap.amount, "")
        last = written.get(hid)
        if hid in stored and hid not in update and last is not None and last > tap.captured_at:
            if current[hid] == values:
                tap.answered(SAVED, saved)
            else:
                tap.answered(
                    CONFLICT,
                    _(
                        "Rumah ini sudah diubah orang lain sesudah ketukan ini (%(state)s). "
                        "Ketukan ini tidak dipakai; periksa di lembar jimpitan."
                    )
                    % {"state": ContributionState(current[hid][0]).label},
                )
            continue
        tap.answered(SAVED, saved)
        if hid in stored and current[hid] != values:
            update[hid] = (stored[hid][0], *values)
        elif hid not in stored:
            create[hid] = values
        current[hid] = values
    return RowDiff(create, update, {}, current, len(current))


def _refuse_group(taps: list[Tap], message: str) -> None:
    for tap in taps:
        tap.answered(REFUSED, message)


def _store_group(*, rt: RT, evening: dt.date, user, taps: list[Tap]) -> None:
    """One RT's evening: the taps applied with a constant number of queries, however many there are."""
    try:
        assert_on_duty(user, rt=rt, evening=evening)  # the roster rule holds for queued phone taps too
    except PermissionDenied as refusal:
        _refuse_group(taps, str(refusal))
        return
    rnd = Round.objects.select_for_update().filter(rt=rt, evening=evening).order_by("pk").first()
    if rnd is not None and rnd.handover_id is not None:
        _refuse_group(taps, handed_over_error().messages[0])
        return
    if rnd is not None and rnd.is_total_only:
        _refuse_group(taps, _("Jimpitan malam ini dicatat sebagai total saja. Ubah lewat lembar jimpitan."))
        return
    stored = _read_stored_rows(rnd)
    diff = _apply_taps(taps, stored, _last_written(rnd))
    if rnd is None or diff.create or diff.update:
        # The header stays as the sheet left it; the figures follow the rows, and the version moves on, so a
        # sheet opened before this sync gets the conflict message when it is saved.
        header = RoundHeader(rnd.collectors, rnd.counted_cash, rnd.notes) if rnd else RoundHeader("", None, "")
        listed = max(diff.listed, rnd.households_listed if rnd else 0)
        created = rnd is None
        rnd = _write_header(rnd, rt=rt, evening=evening, user=user, header=header, diff=diff._replace(listed=listed))
        _write_rows(rnd, evening=evening, user=user, diff=diff, reason=PHONE_REASON)
        if created or not rnd.collector_users.filter(pk=user.pk).exists():
            rnd.collector_users.add(user)
    _insert_phone_taps(rnd, evening=evening, user=user, taps=taps)


PHONE_TAP_COLUMNS = (
    "kampung_id",
    "uuid",
    "round_id",
    "household_id",
    "evening",
    "state",
    "amount",
    "captured_at",
    "received_at",
    "recorded_by_id",
    "outcome",
)


def _insert_phone_taps(rnd: Round, *, evening: dt.date, user, taps: list[Tap]) -> None:
    """The group's taps in one executemany (bulk_create of 500 instances costs more than the rest of the sync)."""
    fields = PhoneTap._meta
    uuid_field, moment = fields.get_field("uuid"), fields.get_field("captured_at")
    day = fields.get_field("evening").get_db_prep_save(evening, connection)
    now = moment.get_db_prep_save(timezone.now(), connection)
    _executemany(
        insert_sql(PhoneTap, PHONE_TAP_COLUMNS),
        [
            (
                rnd.kampung_id,
                uuid_field.get_db_prep_save(t.uuid, connection),
                rnd.pk,
                t.house.pk,
                day,
                t.state,
                t.amount,
                moment.get_db_prep_save(t.captured_at, connection),
                now,
                user.pk,
                t.answer,
            )
            for t in taps
        ],
    )


def sync_phone_taps(*, user, records: Sequence) -> list[dict]:
    """Store a batch of taps from a phone and answer each one: saved, duplicate, conflict or refused.

    Idempotent by the phone's uuid. Each tap's evening is its capture time's (01:00 is the evening before).
    Taps are grouped per RT and evening, each group written in its own savepoint with a constant number of
    queries; a group that fails (a house already recorded in another RT's round) is refused whole.
    """
    taps, answers = _read_taps(records)
    with transaction.atomic():
        # The ledger lock first, like every money writer, so a month being closed waits for this batch.
        lock_ledger()
        left = _screen_taps(taps, user=user) if taps else []
        groups: dict[tuple[int, dt.date], list[Tap]] = {}
        for tap in left:
            groups.setdefault((tap.house.rt_id, tap.evening), []).append(tap)
        for (_rt_id, evening), group in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0])):
            try:
                with transaction.atomic():
                    _store_group(rt=group[0].house.rt, evening=evening, user=user, taps=group)
            except IntegrityError:
                _refuse_group(group, _("Rumah ini sudah tercatat di RT lain malam itu. Minta Bendahara memeriksa."))
    return answers + [{"id": str(t.uuid), "status": t.answer, "message": str(t.message)} for t in taps]


# --- duty roster --------------------------------------------------------------------------------------


class RosterPasteError(ValidationError):
    """Bad pasted lines: `line_errors` maps the line number (1-based) to its message. Nothing was saved."""

    def __init__(self, line_errors: dict[int, str]):
        self.line_errors = line_errors
        super().__init__(
            _("Ada baris yang salah. Perbaiki baris yang ditandai; belum ada yang disimpan."), code="lines"
        )


def _roster_users() -> dict[str, Any]:
    """Accounts a pasted name may mean, by username and by full name, compared case-insensitively."""
    users: dict[str, Any] = {}
    for account in users_with_role(PETUGAS, BENDAHARA).filter(is_active=True):
        full = account.get_full_name().strip()
        if full:
            users.setdefault(full.casefold(), account)
        users[account.get_username().casefold()] = account
    return users


def _wanted_assignments(rt: RT, lines: list[ParsedLine]) -> dict[tuple, RosterAssignment]:
    users = _roster_users()
    wanted: dict[tuple, RosterAssignment] = {}
    for line in lines:
        for position, name in enumerate(line.names):
            account = users.get(name.casefold())
            assignment = RosterAssignment(
                rt=rt,
                kind=line.rule.kind,
                weekday=line.rule.weekday,
                pasaran=line.rule.pasaran,
                date=line.rule.date,
                user=account,
                name="" if account else name,
                position=position,
            )
            wanted.setdefault(_roster_key(assignment), assignment)
    return wanted


def _roster_key(assignment: RosterAssignment) -> tuple:
    return (
        assignment.kind,
        assignment.weekday,
        assignment.pasaran,
        assignment.date,
        assignment.user_id,
        assignment.name,
    )


@transaction.atomic
def replace_roster(*, rt: RT, text: str, user) -> int:
    """Make the RT's roster what the pasted text says; returns the number of assignments. Unchanged assignments
    stay as they are (no history noise); every line is checked before anything is written."""
    lines, errors = parse_roster(text)
    if errors:
        raise RosterPasteError(errors)
    wanted = _wanted_assignments(rt, lines)
    stored = {_roster_key(a): a for a in RosterAssignment.objects.select_for_update().filter(rt=rt)}
    for key, assignment in stored.items():
        if key not in wanted:
            assignment._history_user = user
            assignment.delete()
    for key, assignment in wanted.items():
        current = stored.get(key, assignment)
        if current.pk is None or current.position != assignment.position:
            current.position = assignment.position
            current._history_user = user
            current.save()
    return len(wanted)


# --- swaps ---------------------------------------------------------------------------------------------


def request_roster_swap(
    *,
    rt: RT,
    evening: dt.date,
    user,
    reason: str,
    kind: str = SwapKind.HANDOVER,
    replacement_user=None,
    replacement_name: str = "",
    swap_evening: dt.date | None = None,
) -> RosterSwap:
    """A rostered petugas asks to hand over (or swap) an evening; nothing changes until the Bendahara approves."""
    today = evening_of()
    if evening < today or (swap_evening is not None and swap_evening < today):
        raise ValidationError(_("Malam itu sudah lewat. Pilih malam ini atau malam yang akan datang."), code="past")
    if user.pk not in on_duty_user_ids(rt=rt, evening=evening):
        raise ValidationError(_("Anda tidak terjadwal di %(rt)s pada malam itu.") % {"rt": rt}, code="not_on_duty")
    if not reason.strip():
        raise ValidationError(_("Tulis alasannya."), code="reason")
    if replacement_user is None and not replacement_name.strip():
        raise ValidationError(_("Pilih atau tulis pengganti."), code="replacement")
    if replacement_user is not None and replacement_user.pk == user.pk:
        raise ValidationError(_("Pengganti harus orang lain."), code="self")
    if kind == SwapKind.SWAP:
        if replacement_user is None or swap_evening is None:
            raise ValidationError(_("Untuk tukar malam, pilih akun pengganti dan malam yang Anda ambil."), code="swap")
        if replacement_user.pk not in on_duty_user_ids(rt=rt, evening=swap_evening):
            raise ValidationError(_("Pengganti tidak terjadwal pada malam tukarnya."), code="swap_not_on_duty")
    else:
        swap_evening = None
    swap = RosterSwap(
        rt=rt,
        kind=kind,
        evening=evening,
        requested_by=user,
        reason=reason.strip(),
        swap_evening=swap_evening,
        replacement_user=replacement_user,
        replacement_name="" if replacement_user else replacement_name.strip(),
    )
    swap._history_user = user
    swap.save()
    return swap


def _rewrite_evening(*, rt: RT, day: dt.date, leaving_id: int, joining, joining_name: str, user) -> None:
    """Pin one evening's duty as single-date assignments: who was on, minus the one leaving, plus the one joining."""
    people = [(a.user, a.name) for a in on_duty_assignments(rt=rt, evening=day) if a.user_id != leaving_id]
    people.append((joining, "" if joining else joining_name))
    for old in RosterAssignment.objects.filter(rt=rt, kind=RosterKind.DATE, date=day):
        old._history_user = user
        old.delete()
    seen = set()
    for position, (account, name) in enumerate(people):
        key = account.pk if account else name.casefold()
        if key in seen:
            continue
        seen.add(key)
        assignment = RosterAssignment(rt=rt, kind=RosterKind.DATE, date=day, user=account, name=name, position=position)
        assignment._history_user = user
        assignment.save()


@transaction.atomic
def decide_roster_swap(*, swap: RosterSwap, user, approve: bool) -> RosterSwap:
    """The Bendahara approves (the roster changes for those evenings) or refuses a pending request."""
    # Only the request row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of the outer join.
    swap = (
        RosterSwap.objects.select_for_update(of=("self",))
        .select_related("rt", "requested_by", "replacement_user")
        .get(pk=swap.pk)
    )
    if swap.status != SwapStatus.PENDING:
        raise ValidationError(_("Permintaan ini sudah diputuskan."), code="decided")
    if approve:
        _rewrite_evening(
            rt=swap.rt,
            day=swap.evening,
            leaving_id=swap.requested_by_id,
            joining=swap.replacement_user,
            joining_name=swap.replacement_name,
            user=user,
        )
        # The swap_evening constraint guarantees both for a swap; the test keeps the type checker informed.
        if swap.kind == SwapKind.SWAP and swap.swap_evening and swap.replacement_user_id:
            _rewrite_evening(
                rt=swap.rt,
                day=swap.swap_evening,
                leaving_id=swap.replacement_user_id,
                joining=swap.requested_by,
                joining_name="",
                user=user,
            )
    swap.status = SwapStatus.APPROVED if approve else SwapStatus.REFUSED
    swap.decided_by, swap.decided_at = user, timezone.now()
    swap._history_user = user
    swap.save()
    return swap


# --- handovers (setoran): the patrol hands the rounds' money to the treasurer ---------------------------


def _check_handover_input(*, received_on: dt.date, round_ids: list[int], counted, handed_by, handed_by_name: str):
    errors = {}
    if not round_ids:
        errors["rounds"] = _("Pilih ronde yang uangnya diserahkan.")
    if counted is None or counted < 0:
        errors["counted"] = _("Isi uang yang dihitung saat diterima (Rp 0 atau lebih).")
    if (handed_by is None) == (not handed_by_name):
        errors["handed_by"] = _("Pilih akun petugas atau tulis namanya (salah satu saja).")
    # A calendar day, not an evening: money handed over at 01:00 is received on that day.
    if received_on > timezone.localdate():
        errors["received_on"] = _("Tanggal diterima belum terjadi.")
    if errors:
        raise ValidationError(errors)


def _lock_held_rounds(round_ids: list[int], received_on: dt.date) -> list[Round]:
    rounds = list(Round.objects.select_for_update().filter(pk__in=round_ids).order_by("evening", "pk"))
    if len(rounds) != len(set(round_ids)) or any(r.handover_id is not None for r in rounds):
        raise ValidationError(
            {"rounds": _("Sebagian ronde yang dipilih sudah diserahkan atau sudah tidak ada. Muat ulang halaman.")},
            code="already_handed_over",
        )
    if rounds[-1].evening > received_on:
        raise ValidationError(
            {
                "received_on": _("Setoran tidak bisa diterima sebelum malam rondenya (%(evening)s).")
                % {"evening": long_date(rounds[-1].evening)}
            },
            code="before_evening",
        )
    return rounds


def record_handover(
    *,
    received_on: dt.date,
    round_ids: Sequence[int],
    counted: int,
    account: Account,
    user,
    handed_by=None,
    handed_by_name: str = "",
    explanation: str = "",
) -> Handover:
    """Record the patrol handing over the money of `round_ids` (several evenings at once), counted into `account`.

    The rounds' total at receipt is stored as `expected`; a difference is kept as an explained line (refused
    without an explanation), never an edit of the rounds. Under the ledger lock like every money write: refused
    in a closed month, or when the difference takes the cash below zero. Nothing is saved when refused.
    """
    if not user.has_perm("nightly.add_handover"):
        raise PermissionDenied
    ids = sorted({int(pk) for pk in round_ids})
    handed_by_name = (handed_by_name or "").strip()
    explanation = (explanation or "").strip()
    _check_handover_input(
        received_on=received_on, round_ids=ids, counted=counted, handed_by=handed_by, handed_by_name=handed_by_name
    )

    def write() -> Handover:
        rounds = _lock_held_rounds(ids, received_on)
        expected = sum(r.total for r in rounds)
        if counted != expected and not explanation:
            raise ValidationError(
                {
                    "explanation": _("Uang dihitung %(counted)s, catatan ronde %(expected)s: jelaskan selisihnya.")
                    % {"counted": format_rupiah(counted), "expected": format_rupiah(expected)}
                },
                code="difference_unexplained",
            )
        handover = Handover(
            received_on=received_on,
            handed_by=handed_by,
            handed_by_name="" if handed_by is not None else handed_by_name,
            account=account,
            expected=expected,
            counted=counted,
            difference=counted - expected,
            explanation=explanation,
            recorded_by=user,
        )
        handover._history_user = user
        handover.save()
        # Only the link changes: the rounds' figures stay as recorded (the trigger refuses anything else).
        Round.objects.filter(pk__in=ids).update(handover=handover)
        return handover

    return run_balance_checked_write(days=[received_on], account_ids=[account.pk], write=write)


def delete_handover(*, handover: Handover, user) -> None:
    """Remove a handover of an open month: its rounds are held by the patrol again (and editable). Refused when
    the account it went into would go below zero by it, or in a closed month."""
    if not user.has_perm("nightly.delete_handover"):
        raise PermissionDenied
    handover._history_user = user
    run_balance_checked_write(days=[handover.received_on], account_ids=[handover.account_id], write=handover.delete)


# --- catch-up payments (rapel) and paying ahead ---------------------------------------------------------

# How far ahead a household may pay: a year of evenings is more than any kampung takes in advance.
PAY_AHEAD_LIMIT_DAYS = 366


def _check_catch_up_input(*, household: Household, paid_on: dt.date, amount, evenings: list[dt.date]) -> None:
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = _("Isi jumlah yang dibayar (lebih dari Rp 0).")
    if not evenings:
        errors["evenings"] = _("Pilih malam yang dibayar.")
    elif evenings[-1] > paid_on + dt.timedelta(days=PAY_AHEAD_LIMIT_DAYS):
        errors["evenings"] = _("Malam yang dibayar di muka paling jauh setahun dari tanggal bayar.")
    elif household.joined_on is not None and evenings[0] < household.joined_on:
        errors["evenings"] = _("Malam %(evening)s sebelum rumah ini bergabung.") % {"evening": long_date(evenings[0])}
    if paid_on > timezone.localdate():  # a calendar day, as a handover's
        errors["paid_on"] = _("Tanggal bayar belum terjadi.")
    if errors:
        raise ValidationError(errors)


def _refuse_paid_evenings(household: Household, evenings: list[dt.date]) -> None:
    """Under the lock: an evening already paid (a paid contribution or another catch-up) is named, not half-saved."""
    paid = set(
        Contribution.objects.filter(
            household=household, evening__in=evenings, state__in=sorted(ContributionState.paid_values())
        ).values_list("evening", flat=True)
    )
    paid |= {evening for _hid, evening in covered_evenings(household_ids=[household.pk], evenings=evenings)}
    if paid:
        raise ValidationError(
            {
                "evenings": _("Malam %(evening)s sudah dibayar. Pilih malam yang belum dibayar.")
                % {"evening": long_date(min(paid))}
            },
            code="already_paid",
        )


def record_catch_up(
    *,
    household: Household,
    paid_on: dt.date,
    amount: int,
    account: Account,
    evenings: Iterable[dt.date],
    recorded_by,
    note: str = "",
) -> CatchUp:
    """Record a household paying, on `paid_on`, for `evenings` it missed (rapel) or that are still to come
    (paying ahead). Jimpitan income of `paid_on` into `account`; the evenings may lie in closed months, whose
    figures do not move. Under the ledger lock like every money write: refused when `paid_on` is in a closed
    month, or when an evening is already paid. Nothing is saved when refused."""
    if not recorded_by.has_perm("nightly.add_catchup"):
        raise PermissionDenied
    days = sorted(set(evenings))
    _check_catch_up_input(household=household, paid_on=paid_on, amount=amount, evenings=days)

    def write() -> CatchUp:
        _refuse_paid_evenings(household, days)
        catch_up = CatchUp(
            household=household,
            paid_on=paid_on,
            amount=amount,
            account=account,
            note=(note or "").strip(),
            recorded_by=recorded_by,
        )
        catch_up._history_user = recorded_by
        catch_up.save()
        CatchUpEvening.objects.bulk_create(
            [CatchUpEvening(catch_up=catch_up, household=household, evening=day) for day in days]
        )
        return catch_up

    return run_balance_checked_write(days=[paid_on], account_ids=[account.pk], write=write)


def delete_catch_up(*, catch_up: CatchUp, user) -> None:
    """Remove a catch-up of an open month: its evenings count as unpaid again. Refused when its account would go
    below zero by it, or when the month it was paid in is closed."""
    if not user.has_perm("nightly.delete_catchup"):
        raise PermissionDenied
    catch_up._history_user = user
    run_balance_checked_write(days=[catch_up.paid_on], account_ids=[catch_up.account_id], write=catch_up.delete)
