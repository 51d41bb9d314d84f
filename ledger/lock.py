"""The ledger lock: every writer of money takes it first, inside its transaction.

Two money writes must never interleave: a round committed while its month is being closed would be
missing from the stored closing balance, and two expenses saved at once could both pass the balance
check. SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs an explicit row lock that
every writer takes: the active kampung's profile row.
"""

from __future__ import annotations

from django.db import connection

from jimpitan.models import KampungProfile
from jimpitan.tenancy import active_kampung_id


def lock_ledger() -> None:
    """Block until no other money writer holds the lock; held until the surrounding transaction ends."""
    if connection.vendor == "postgresql":
        profile = KampungProfile.objects.select_for_update().filter(kampung_id=active_kampung_id())
        list(profile.values_list("pk"))
