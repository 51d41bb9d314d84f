"""Two treasurers saving the same round at the same moment: exactly one wins, the other is refused.

Needs real concurrent connections, so it runs on PostgreSQL (CI's second pass); on SQLite, BEGIN IMMEDIATE
makes the savers queue and the sequential two-editor tests in tests/nightly/test_services.py cover the outcome.
"""

import threading

import pytest
from django.db import connection, connections

from jimpitan.lib.evening import evening_of
from jimpitan.tenancy import kampung_thread
from nightly.models import Contribution, Round
from nightly.services import RoundConflictError, save_sheet
from tests.nightly.factories import make_rt, paid_rows

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"),
    pytest.mark.usefixtures("roles"),
]


@pytest.mark.parametrize("opened_version", [0, 1], ids=["both-first-save", "both-correct"])
def test_two_simultaneous_savers_never_both_win(bendahara, superuser, opened_version):
    rt, households = make_rt(households=50)
    evening = evening_of()
    if opened_version == 1:
        save_sheet(rt=rt, evening=evening, user=bendahara, version=0, rows=paid_rows(households))
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(user, amount):
        try:
            barrier.wait()
            save_sheet(rt=rt, evening=evening, user=user, version=opened_version, rows=paid_rows(households, amount))
            outcomes[amount] = "saved"
        except RoundConflictError:
            outcomes[amount] = "conflict"
        finally:
            connections.close_all()

    threads = [
        kampung_thread(save, bendahara, 1000),
        kampung_thread(save, superuser, 200),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(amount for amount, outcome in outcomes.items() if outcome == "saved")
    rnd = Round.objects.get()
    assert rnd.version == opened_version + 1
    assert rnd.total == winner * 50
    assert set(Contribution.objects.values_list("amount", flat=True)) == {winner}
