"""The ledger lock is each kampung's own: while one kampung's money writer holds it, another kampung's money
write goes through at once and only the same kampung's waits.

Needs real concurrent connections, so it runs on PostgreSQL (CI's second pass); on SQLite, BEGIN IMMEDIATE
serialises every writer of the one database file whatever its kampung.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction

from households.models import RT, Household
from jimpitan.models import Kampung
from jimpitan.roles import BENDAHARA, grant_role
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate
from ledger.lock import lock_ledger
from nightly.models import Round
from tests.ledger.factories import save_round
from tests.nightly.factories import make_rt

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"),
    pytest.mark.usefixtures("roles"),
]

# Long enough for a write that is not blocked, short enough to keep the run quick.
LOCK_TIMEOUT_MS = 500


def _hold_lock(kampung_id: int, held: threading.Event, release: threading.Event) -> None:
    try:
        with activate(kampung_id), transaction.atomic():
            lock_ledger()
            held.set()
            release.wait(10)
    finally:
        held.set()
        connections.close_all()


def _timed_round(kampung_id: int, user, evening: dt.date) -> float:
    """Seconds a round save of the kampung's RT took, under a short lock_timeout."""
    with activate(kampung_id):
        rt = RT.objects.get(kampung_id=kampung_id, number=1)
        households = list(Household.objects.filter(rt=rt).order_by("route_position"))
        with connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT_MS}ms'")
        started = time.monotonic()
        try:
            save_round(rt, households, evening, user)
        finally:
            took = time.monotonic() - started
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    return took


def _add_rt(kampung_id: int) -> None:
    with activate(kampung_id), connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT_MS}ms'")
        try:
            RT.objects.create(number=2)
        finally:
            cursor.execute("RESET lock_timeout")


def test_a_kampungs_money_write_never_waits_for_another_kampungs_lock(bendahara):
    other = Kampung.objects.create(slug="kampung-b", name="Kampung B")
    grant_role(user=bendahara, role=BENDAHARA, kampung_id=other.pk)  # one treasurer keeps both books here
    for kampung_id in (FIRST_KAMPUNG_ID, other.pk):
        with activate(kampung_id):
            make_rt(number=1, households=2)
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(FIRST_KAMPUNG_ID, held, release))
    holder.start()
    try:
        assert held.wait(10)
        took_b = _timed_round(other.pk, bendahara, dt.date(2026, 5, 4))
        _add_rt(FIRST_KAMPUNG_ID)  # not money: A's own rows that do not take the lock are not held up either
        started = time.monotonic()
        with pytest.raises(OperationalError, match="lock timeout"):
            _timed_round(FIRST_KAMPUNG_ID, bendahara, dt.date(2026, 5, 5))
        waited_a = time.monotonic() - started
    finally:
        release.set()
        holder.join(10)
    # B's save would have raised the same lock timeout had it waited for A's lock.
    assert waited_a >= LOCK_TIMEOUT_MS / 1000
    print(f"B's round saved in {took_b * 1000:.0f} ms while A's lock was held; A's waited {waited_a * 1000:.0f} ms")
    _timed_round(FIRST_KAMPUNG_ID, bendahara, dt.date(2026, 5, 6))  # released: A's write goes through
    with activate(FIRST_KAMPUNG_ID):
        assert list(Round.objects.filter(kampung_id=FIRST_KAMPUNG_ID).values_list("evening", flat=True)) == [
            dt.date(2026, 5, 6)
        ]
