"""Writes of the kampung profile.

The profile's opening balance is money: it counts in the cash book on its date. Level 0 cannot name the
books, so the ledger app connects its closed-month guard (and, inside a write, its lock) to
`opening_balance_changing` from `LedgerConfig.ready`. The settings page and the admin check a change
with `check_opening_balance` as the form is cleaned, and every write goes through `save_profile`, which
asks again inside its transaction, before the row is written; a database trigger refuses underneath.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.dispatch import Signal

from jimpitan.models import KampungProfile, SignatureColumn

# Sent with `months_of`: the dates on which the old and the new opening balance count (None where it
# counts nowhere), and `in_write`: True inside save_profile's transaction. A receiver raises
# ValidationError to refuse the change; nothing is written then.
opening_balance_changing = Signal()


def _counted_on(balance: int | None, day: dt.date | None) -> tuple[int, dt.date | None]:
    """(balance, the date it counts on): a zero balance counts on no date at all."""
    balance = balance or 0
    return balance, day if balance else None


def _stored_opening(profile: KampungProfile) -> tuple[int, dt.date | None]:
    stored = KampungProfile.objects.filter(pk=profile.pk).values("opening_balance", "opening_balance_date").first()
    if stored is None:
        return 0, None
    return _counted_on(stored["opening_balance"], stored["opening_balance_date"])


def check_opening_balance(
    profile: KampungProfile, *, balance: int | None, day: dt.date | None, in_write: bool = False
) -> None:
    """Raise ValidationError when changing `profile`'s opening balance to (balance, day) is not allowed."""
    old, new = _stored_opening(profile), _counted_on(balance, day)
    if old != new:
        opening_balance_changing.send(sender=KampungProfile, months_of=[old[1], new[1]], in_write=in_write)


def save_profile(profile: KampungProfile) -> KampungProfile:
    """Save `profile` (its fields already set); its opening balance only under the ledger's rules."""
    with transaction.atomic():
        check_opening_balance(profile, balance=profile.opening_balance, day=profile.opening_balance_date, in_write=True)
        profile.save()
    return profile


def save_signature_columns(*, profile: KampungProfile, rows: list[dict[str, str]]) -> list[SignatureColumn]:
    """Replace the signing columns with `rows` (heading, role, name), left to right; rows without a role are
    skipped, so an emptied row removes its column."""
    kept = [row for row in rows if row.get("role")]
    with transaction.atomic():
        profile.signature_columns.all().delete()
        return SignatureColumn.objects.bulk_create(
            SignatureColumn(
                profile=profile,
                position=position,
                heading=row.get("heading", ""),
                role=row["role"],
                name=row.get("name", ""),
            )
            for position, row in enumerate(kept, start=1)
        )
