"""Writes of the kampung profile.

The profile's opening balance is money: it counts in the cash book on its date. Level 0 cannot name the
books, so the ledger app connects its lock and its closed-month guard to `opening_balance_changing`
(from `LedgerConfig.ready`). Every write of the profile, from the settings page or the admin, goes
through `save_profile`, which sends it inside the transaction, before the row is written.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.dispatch import Signal

from jimpitan.models import KampungProfile

# Sent with `days`: the old and new opening-balance dates (None where unset). A receiver may raise
# ValidationError to refuse the change; nothing is written then.
opening_balance_changing = Signal()


def _opening_of(profile: KampungProfile | None) -> tuple[int, dt.date | None]:
    if profile is None:
        return 0, None
    return profile.opening_balance or 0, profile.opening_balance_date


def save_profile(profile: KampungProfile) -> KampungProfile:
    """Save `profile` (its fields already set); its opening balance only under the ledger's rules."""
    with transaction.atomic():
        stored = KampungProfile.objects.filter(pk=profile.pk).first() if profile.pk else None
        old, new = _opening_of(stored), _opening_of(profile)
        if old != new:
            opening_balance_changing.send(sender=KampungProfile, days=[old[1], new[1]])
        profile.save()
    return profile
