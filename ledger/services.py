"""Month closing (tutup buku), reopening and adjustments: the writes of the ledger app.

A closed month is read-only at three layers: `ledger.guards.assert_month_open` in every service,
the admin, and database triggers (migration 0003) beneath them all.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jimpitan.lib.dates import month_label
from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import month_start, next_month
from ledger.guards import assert_month_open
from ledger.lock import lock_ledger
from ledger.models import Adjustment, MonthClosing, MonthReopening
from ledger.selectors import month_summary, monthly_flows


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
        closing = MonthClosing.objects.create(month=month, closing_balance=summary.closing, closed_by=user)
    return closing


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
            month=month, reason=reason, previous_closing_balance=closing.closing_balance, reopened_by=user
        )
        closing.delete()
    return log


def record_adjustment(entry_date: dt.date, amount: int, reason: str, corrects_month: dt.date, user) -> Adjustment:
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
    with transaction.atomic():
        lock_ledger()
        assert_month_open(entry_date)
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
        adjustment = Adjustment.objects.create(
            entry_date=entry_date, amount=amount, reason=reason, corrects_month=corrects_month, recorded_by=user
        )
    return adjustment
