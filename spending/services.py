"""Writes to expenses, other income and projects. Each runs in one transaction that

1. takes the ledger-wide lock, so two treasurers saving at once cannot both pass the balance check;
2. refuses a date in a closed month (old and new date on an edit);
3. refuses a change that would take the cash balance below zero on any date from the change onward;
4. tells the public pages to recompute their figures once the change is committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jimpitan.roles import BENDAHARA, POKJA, user_roles
from ledger.guards import assert_month_open
from ledger.lock import lock_ledger
from ledger.services import InsufficientBalanceError, run_balance_checked_write
from spending.models import Expense, OtherIncome, Project
from spending.uploads import ProcessedFile

T = TypeVar("T")
__all__ = ["InsufficientBalanceError"]  # raised by every write here; defined with the rule, in the books


# What an approval vouches for; a change to any of them (or a new receipt) clears the approval.
APPROVED_FIELDS = ("spent_on", "amount", "payee", "description", "project_id")


def _checked_write(days: Sequence[dt.date | None], accounts: Sequence[int | None], write: Callable[[], T]) -> T:
    """Run `write` under the ledger lock, refused in a closed month or when it takes the cash, or one of
    `accounts`, below zero on any date from min(days) on (ledger.services.run_balance_checked_write)."""
    return run_balance_checked_write(days=days, account_ids=accounts, write=write)


def _store_receipt(expense: Expense, receipt: ProcessedFile) -> list[str]:
    """Write the files (before the row is saved) and return their names, to remove them on rollback."""
    expense.receipt.save(receipt.content.name, receipt.content, save=False)
    expense.receipt_content_type = receipt.content_type
    names = [expense.receipt.name]
    if receipt.thumbnail is not None:
        expense.receipt_thumbnail.save(receipt.thumbnail.name, receipt.thumbnail, save=False)
        names.append(expense.receipt_thumbnail.name)
    else:
        expense.receipt_thumbnail = ""
    return names


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        if name:
            storage.delete(name)


def save_expense(expense: Expense, *, user, receipt: ProcessedFile | None = None) -> Expense:
    """Create or update `expense` (its fields already set by the form) with an optional new receipt."""
    old = None
    if expense.pk:
        old = (
            Expense.objects.filter(pk=expense.pk)
            .values(*APPROVED_FIELDS, "account_id", "receipt", "receipt_thumbnail")
            .first()
        )
    if expense.pk is None and user is not None:
        expense.recorded_by = user
    expense._history_user = user
    if old and (receipt is not None or any(old[f] != getattr(expense, f) for f in APPROVED_FIELDS)):
        # The approver vouched for this amount, date, payee, purpose and receipt: another one needs a new look.
        expense.approved_by = None
        expense.approved_at = None
    storage = Expense._meta.get_field("receipt").storage
    new_files: list[str] = []
    if receipt is not None:
        new_files = _store_receipt(expense, receipt)
    days = [expense.spent_on] + ([old["spent_on"]] if old else [])
    is_new = expense.pk is None
    try:
        accounts = [expense.account_id] + ([old["account_id"]] if old else [])
        _checked_write(days, accounts, lambda: expense.save())
    except Exception:
        _delete_files(storage, new_files)
        if is_new:  # the rolled-back row must not look saved to the form shown again
            expense.pk = None
            expense._state.adding = True
        raise
    if old and receipt is not None:
        replaced = [old["receipt"], old["receipt_thumbnail"]]
        transaction.on_commit(lambda: _delete_files(storage, replaced))
    return expense


def delete_expense(expense: Expense) -> None:
    storage = Expense._meta.get_field("receipt").storage
    files = [expense.receipt.name, expense.receipt_thumbnail.name]
    # Removing an expense only adds cash back, but its month must still be open and a bank match must hold.
    _checked_write([expense.spent_on], [expense.account_id], expense.delete)
    transaction.on_commit(lambda: _delete_files(storage, files))


def can_approve(expense: Expense, user) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and bool(user_roles(user) & {BENDAHARA, POKJA})
        and user.has_perm("spending.approve_expense")
        and expense.recorded_by_id != user.pk
        and expense.approved_by_id is None
    )


def approve_expense(expense: Expense, approver) -> Expense:
    """A Pokja or Bendahara member other than the recorder confirms the expense."""
    if expense.recorded_by_id == approver.pk:
        raise ValidationError(
            _("Pengeluaran ini Anda catat sendiri, jadi harus disetujui anggota Pokja yang lain."), code="self_approval"
        )
    if not (user_roles(approver) & {BENDAHARA, POKJA}) or not approver.has_perm("spending.approve_expense"):
        raise PermissionDenied
    with transaction.atomic():
        lock_ledger()
        assert_month_open(expense.spent_on)
        # Re-read under the lock: a second approver who opened the page at the same time finds it approved.
        current = Expense.objects.filter(pk=expense.pk, approved_by__isnull=True).exclude(recorded_by=approver).first()
        if current is None:
            raise ValidationError(_("Pengeluaran ini sudah disetujui."), code="already_approved")
        current.approved_by = approver
        current.approved_at = timezone.now()
        current._history_user = approver
        current.save(update_fields=["approved_by", "approved_at"])
    expense.refresh_from_db()
    return expense


def save_other_income(income: OtherIncome, *, user) -> OtherIncome:
    """Create or update; lowering or moving income later can also leave earlier spending uncovered."""
    old_day = old_account = None
    if income.pk:
        old_day, old_account = OtherIncome.objects.filter(pk=income.pk).values_list(
            "received_on", "account_id"
        ).first() or (None, None)
    elif user is not None:
        income.recorded_by = user
    is_new = income.pk is None
    try:
        _checked_write([income.received_on, old_day], [income.account_id, old_account], lambda: income.save())
    except Exception:
        if is_new:
            income.pk = None
            income._state.adding = True
        raise
    return income


def delete_other_income(income: OtherIncome) -> None:
    _checked_write([income.received_on], [income.account_id], income.delete)


def save_project(project: Project, *, cover: ProcessedFile | None = None) -> Project:
    storage = Project._meta.get_field("cover_photo").storage
    old_cover = None
    if project.pk:
        old_cover = Project.objects.filter(pk=project.pk).values_list("cover_photo", flat=True).first()
    new_files = []
    if cover is not None:
        project.cover_photo.save(cover.content.name, cover.content, save=False)
        new_files.append(project.cover_photo.name)
    try:
        with transaction.atomic():
            project.save()
    except Exception:
        _delete_files(storage, new_files)
        raise
    if cover is not None and old_cover:
        transaction.on_commit(lambda: _delete_files(storage, [old_cover]))
    return project
