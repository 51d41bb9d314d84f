"""The writes of the ledger app: month closing (tutup buku), reopening, adjustments, accounts, transfers and
bank checks; and `run_balance_checked_write`, the rule every money write of any app runs under (the ledger
lock, an open month, neither the cash nor any account below zero, no matched bank check broken).

A closed month is read-only at three layers: `ledger.guards.assert_month_open` in every service,
the admin, and database triggers (migrations 0002, 0003, 0005, 0006) beneath them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jimpitan.lib.dates import long_date, month_label
from jimpitan.lib.evening import evening_of
from jimpitan.lib.money import format_rupiah
from jimpitan.lib.months import month_start, next_month, previous_month
from jimpitan.models import KampungProfile
from ledger.guards import assert_month_open
from ledger.lock import lock_ledger
from ledger.models import (
    Account,
    Adjustment,
    BalanceCheck,
    MonthClosing,
    MonthClosingBalance,
    MonthReopening,
    Transfer,
)
from ledger.seals import canonical_text, seal_of
from ledger.selectors import (
    account_balance_at,
    account_months,
    account_movements,
    balance_at,
    balances_to_keep,
    broken_balance_checks,
    lowest_account_balances_from,
    lowest_balance_from,
    month_summary,
    monthly_flows,
)

T = TypeVar("T")


class InsufficientBalanceError(ValidationError):
    """The change would leave the cash, or one account, with less than nothing on some date."""


def _total_shortfall(first_day: dt.date, before: tuple[dt.date, int], balance_before: int) -> None:
    low_day_after, low_after = lowest_balance_from(first_day)
    low_day_before, low_before = before
    if low_after < 0 and low_after < low_before:
        raise InsufficientBalanceError(
            _(
                "Saldo kas tidak cukup. Saldo pada %(day)s: %(balance)s; saldo terendah sejak tanggal itu: "
                "%(low)s (%(low_day)s). Dengan perubahan ini saldo menjadi %(after)s pada %(after_day)s. "
                "Kas tidak boleh minus: kampung tidak bisa membelanjakan uang yang belum terkumpul."
            )
            % {
                "day": long_date(first_day),
                "balance": format_rupiah(balance_before),
                "low": format_rupiah(low_before),
                "low_day": long_date(low_day_before),
                "after": format_rupiah(low_after),
                "after_day": long_date(low_day_after),
            },
            code="insufficient_balance",
        )


def _account_shortfall(first_day: dt.date, before: dict[int, tuple[dt.date, int]]) -> None:
    after = lowest_account_balances_from(first_day, before)
    for account_id, (low_day, low) in after.items():
        if low < 0 and low < before[account_id][1]:
            raise InsufficientBalanceError(
                _(
                    "Saldo akun %(account)s tidak cukup: dengan perubahan ini saldonya menjadi %(after)s pada "
                    "%(after_day)s. Akun kas tidak boleh minus; pilih akun lain atau catat pindah kas dulu."
                )
                % {
                    "account": Account.objects.get(pk=account_id).name,
                    "after": format_rupiah(low),
                    "after_day": long_date(low_day),
                },
                code="insufficient_balance",
            )


def _refuse_broken_checks(first_day: dt.date, accounts: list[int]) -> None:
    broken = broken_balance_checks(accounts, since=first_day)
    if broken:
        check = broken[0]
        raise ValidationError(
            _(
                "Perubahan ini membuat saldo %(account)s pada %(day)s tidak lagi cocok dengan saldo bank yang sudah "
                "dicocokkan (%(stated)s). Periksa lagi catatannya, atau catat selisihnya di bulan berjalan."
            )
            % {
                "account": check.account.name,
                "day": long_date(check.check_date),
                "stated": format_rupiah(check.stated_balance),
            },
            code="breaks_balance_check",
        )


def run_balance_checked_write(
    *, days: Sequence[dt.date | None], account_ids: Sequence[int | None], write: Callable[[], T]
) -> T:
    """Run `write` under the ledger lock; refuse it in a closed month, or if it takes the cash or one of
    `account_ids` below zero on any date from min(days) on.

    Each check compares the lowest balance before and after the write: a change that does not make a
    negative point worse (say, correcting a typo while old data is already short) is allowed. A change that
    breaks a matched bank check (BalanceCheck) of one of `account_ids` on or after min(days) is refused too.
    """
    dates = [d for d in days if d is not None]  # an edit's old date, when there was none before
    accounts = sorted({pk for pk in account_ids if pk is not None})
    with transaction.atomic():
        lock_ledger()
        assert_month_open(*dates)
        first_day = min(dates)
        balance_before = balance_at(first_day)
        total_before = lowest_balance_from(first_day)
        accounts_before = lowest_account_balances_from(first_day, accounts) if accounts else {}
        result = write()
        _total_shortfall(first_day, total_before, balance_before)
        if accounts:
            _account_shortfall(first_day, accounts_before)
            _refuse_broken_checks(first_day, accounts)
    return result


def guard_opening_balance_change(*, months_of: list[dt.date | None], in_write: bool, **_signal) -> None:
    """Receiver of `jimpitan.services.opening_balance_changing`: the profile's opening balance is money, so a
    change is refused when it counted, or would count, in a closed month; inside a write it takes the ledger
    lock first, as every money writer does."""
    if in_write:
        lock_ledger()
    assert_month_open(*[day for day in months_of if day is not None])


def open_months_before(month: dt.date) -> list[dt.date]:
    """Months before `month` that have records and are not closed, oldest first."""
    closed = set(MonthClosing.objects.values_list("month", flat=True))
    return sorted(m for m in monthly_flows() if m < month and m not in closed)


def close_month(month: dt.date, user, today: dt.date | None = None) -> MonthClosing:
    month = month_start(month)
    if not user.has_perm("ledger.close_month"):
        raise PermissionDenied
    today = today or evening_of(timezone.now())
    if next_month(month) > today:
        raise ValidationError(
            _("Bulan %(month)s belum selesai, jadi bukunya belum bisa ditutup.") % {"month": month_label(month)},
            code="month_not_ended",
        )
    with transaction.atomic():
        lock_ledger()
        if MonthClosing.objects.filter(month=month).exists():
            raise ValidationError(
                _("Buku bulan %(month)s sudah ditutup.") % {"month": month_label(month)}, code="already_closed"
            )
        earlier = open_months_before(month)
        if earlier:
            raise ValidationError(
                _("Tutup dulu buku bulan %(month)s: bulan ditutup berurutan.") % {"month": month_label(earlier[0])},
                code="earlier_open",
            )
        summary = month_summary(month)
        if summary.closing < 0:
            raise ValidationError(
                _("Saldo akhir bulan %(month)s minus; periksa catatannya sebelum tutup buku.")
                % {"month": month_label(month)},
                code="negative_balance",
            )
        _refuse_to_freeze_accounts(month)
        previous = MonthClosing.objects.filter(month=previous_month(month)).values_list("seal", flat=True).first()
        text = canonical_text(summary, previous or "")
        closing = MonthClosing.objects.create(
            month=month, closing_balance=summary.closing, closed_by=user, seal=seal_of(text), sealed_text=text
        )
        # The month's records are frozen from here on: its accounts' balances are kept for accounts_now.
        MonthClosingBalance.objects.bulk_create(
            MonthClosingBalance(month=month, next_month=next_month(month), account_id=pk, balance=balance)
            for pk, balance in balances_to_keep(month).items()
        )
    return closing


def _refuse_to_freeze_accounts(month: dt.date) -> None:
    """Closing freezes the accounts' month too: refused while an account ends it below zero, or while a matched
    bank check dated in it is no longer proven by the records (written around the services), since neither
    could be corrected in the month once it is closed."""
    negative = [row.account for row in account_months(month, KampungProfile.load()) if row.closing < 0 and row.account]
    if negative:
        raise ValidationError(
            _("Saldo akun %(account)s pada akhir bulan %(month)s minus; periksa catatannya sebelum tutup buku.")
            % {"account": negative[0].name, "month": month_label(month)},
            code="negative_account_balance",
        )
    broken = [check for check in broken_balance_checks(since=month) if check.check_date < next_month(month)]
    if broken:
        raise ValidationError(
            _(
                "Saldo %(account)s pada %(day)s tidak lagi cocok dengan saldo bank yang sudah dicocokkan "
                "(%(stated)s); periksa catatannya sebelum tutup buku."
            )
            % {
                "account": broken[0].account.name,
                "day": long_date(broken[0].check_date),
                "stated": format_rupiah(broken[0].stated_balance),
            },
            code="broken_balance_check",
        )


def reopen_month(month: dt.date, user, reason: str) -> MonthReopening:
    month = month_start(month)
    if not user.is_superuser:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan wajib diisi.")}, code="required")
    with transaction.atomic():
        lock_ledger()
        closing = MonthClosing.objects.filter(month=month).first()
        if closing is None:
            raise ValidationError(
                _("Buku bulan %(month)s tidak sedang ditutup.") % {"month": month_label(month)}, code="not_closed"
            )
        later = MonthClosing.objects.filter(month__gt=month).order_by("month").first()
        if later is not None:
            # Closings are in order: reopening an earlier month under a closed later one would let
            # the later month's stored opening drift away from the records.
            raise ValidationError(
                _("Buka dulu buku bulan %(month)s: bulan dibuka kembali dari yang terakhir.")
                % {"month": month_label(later.month)},
                code="later_closed",
            )
        log = MonthReopening.objects.create(
            month=month,
            reason=reason,
            previous_closing_balance=closing.closing_balance,
            previous_seal=closing.seal,
            reopened_by=user,
        )
        closing.delete()
    return log


def record_adjustment(
    entry_date: dt.date, amount: int, reason: str, corrects_month: dt.date, user, *, account: Account | None = None
) -> Adjustment:
    if not user.has_perm("ledger.add_adjustment"):
        raise PermissionDenied
    corrects_month = month_start(corrects_month)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Alasan wajib diisi.")
    if not amount:
        errors["amount"] = _("Jumlah koreksi tidak boleh nol.")
    if corrects_month >= month_start(entry_date):
        errors["corrects_month"] = _("Koreksi hanya untuk bulan yang sudah lewat sebelum tanggal koreksi.")
    if errors:
        raise ValidationError(errors)
    adjustment = Adjustment(
        entry_date=entry_date, amount=amount, reason=reason, corrects_month=corrects_month, recorded_by=user
    )
    if account is not None:
        adjustment.account = account

    def write() -> None:
        if not MonthClosing.objects.filter(month=corrects_month).exists():
            raise ValidationError(
                {
                    "corrects_month": _(
                        "Buku bulan %(month)s belum ditutup: perbaiki catatannya langsung, tanpa koreksi."
                    )
                    % {"month": month_label(corrects_month)}
                },
                code="not_closed",
            )
        adjustment.save()

    # Like every money write: the ledger lock, an open month, no account below zero, no bank match broken.
    run_balance_checked_write(days=[entry_date], account_ids=[adjustment.account_id], write=write)
    return adjustment


def record_transfer(
    *, transfer_date: dt.date, from_account: Account, to_account: Account, amount: int, note: str = "", user
) -> Transfer:
    """Move money between two accounts (pindah kas): neither income nor spending. The source account may
    not go below zero on any date from the transfer on."""
    if not user.has_perm("ledger.add_transfer"):
        raise PermissionDenied
    errors = {}
    if not amount or amount <= 0:
        errors["amount"] = _("Jumlah harus lebih dari nol.")
    if from_account.pk == to_account.pk:
        errors["to_account"] = _("Akun tujuan harus berbeda dari akun asal.")
    if errors:
        raise ValidationError(errors)
    transfer = Transfer(
        transfer_date=transfer_date,
        from_account=from_account,
        to_account=to_account,
        amount=amount,
        note=(note or "").strip(),
        recorded_by=user,
    )
    transfer._history_user = user
    run_balance_checked_write(days=[transfer_date], account_ids=[from_account.pk, to_account.pk], write=transfer.save)
    return transfer


def delete_transfer(*, transfer: Transfer, user) -> None:
    """Undo a transfer of an open month; the receiving account may not go below zero by it."""
    if not user.has_perm("ledger.delete_transfer"):
        raise PermissionDenied
    transfer._history_user = user
    run_balance_checked_write(
        days=[transfer.transfer_date],
        account_ids=[transfer.from_account_id, transfer.to_account_id],
        write=transfer.delete,
    )


def _refuse_retiring_with_money(account: Account) -> None:
    """A retired account is left out of the forms, so money left on it would be stranded there: move it first.
    The default account takes the rounds' money and is never retired."""
    if account.is_active or not account.pk:
        return
    if account.is_default:
        raise ValidationError({"is_active": _("Akun utama (Kas tunai) tidak bisa dinonaktifkan.")})
    balance = sum(account_movements().get(account.pk, {}).values())
    if balance:
        raise ValidationError(
            {
                "is_active": _(
                    "Akun ini masih berisi %(balance)s. Pindahkan dulu uangnya ke akun lain (transfer), "
                    "baru nonaktifkan."
                )
                % {"balance": format_rupiah(balance)}
            }
        )


def save_account(*, account: Account, user) -> Account:
    """Create or change an account. Its opening balance is money on its date: the change takes the ledger lock,
    is refused in a closed month and may not take the account below zero (a lowered opening balance)."""
    old = None
    if account.pk:
        old = Account.objects.filter(pk=account.pk).values_list("opening_balance", "opening_date").first()
    days = [account.opening_date if account.opening_balance else None]
    if old and old[0]:
        days.append(old[1])
    account._history_user = user
    if not any(days) or (old and old == (account.opening_balance, account.opening_date)):
        with transaction.atomic():  # a name, a number, retiring it: no money moves
            lock_ledger()
            _refuse_retiring_with_money(account)
            account.save()
        return account
    run_balance_checked_write(days=days, account_ids=[account.pk] if old else [], write=account.save)
    return account


def record_balance_check(
    *, account: Account, check_date: dt.date, stated_balance: int, note: str = "", user
) -> BalanceCheck:
    """Record the balance the bank book or app shows for `account` on `check_date`, with the books' own figure
    then. Equal, it is a matched check that later changes must keep; different, the difference is kept and
    shown, to be explained (a missing bank charge, say)."""
    if not user.has_perm("ledger.add_balancecheck"):
        raise PermissionDenied
    if stated_balance is None or stated_balance < 0:
        raise ValidationError({"stated_balance": _("Saldo bank tidak boleh minus.")})
    with transaction.atomic():
        lock_ledger()
        assert_month_open(check_date)
        check = BalanceCheck(
            account=account,
            check_date=check_date,
            stated_balance=stated_balance,
            app_balance=account_balance_at(account.pk, check_date),
            note=(note or "").strip(),
            recorded_by=user,
        )
        check._history_user = user
        check.save()
    return check


def delete_balance_check(*, check: BalanceCheck, user) -> None:
    """Remove a bank check of an open month (a wrong entry; a new check replaces it). Under the ledger lock, so
    it cannot slip past a month being closed at the same moment."""
    if not user.has_perm("ledger.delete_balancecheck"):
        raise PermissionDenied
    with transaction.atomic():
        lock_ledger()
        assert_month_open(check.check_date)
        check._history_user = user
        check.delete()
