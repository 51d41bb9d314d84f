"""The ledger lock: every writer of money takes it first, inside its transaction.

Two money writes must never interleave: a round committed while its month is being closed would be
missing from the stored closing balance, and two expenses saved at once could both pass the balance
check. SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs an explicit row lock that
every writer takes: the active kampung's own row, so that one kampung's books wait only for their own
writers, never for another kampung's. FOR NO KEY UPDATE, not FOR UPDATE: every insert of a tenant row checks
its key to that row with FOR KEY SHARE, which FOR UPDATE would block (and a writer that inserted before taking
the lock could deadlock against another waiting for it).
"""

from __future__ import annotations

from django.db import connection

from jimpitan.models import Kampung
from jimpitan.tenancy import active_kampung_id


def lock_ledger() -> None:
    """Block until no other money writer of the active kampung holds the lock; held until the surrounding
    transaction ends."""
    if connection.vendor == "postgresql":
        list(Kampung.objects.select_for_update(no_key=True).filter(pk=active_kampung_id()).values_list("pk"))
