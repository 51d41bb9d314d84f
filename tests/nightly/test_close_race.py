"""A sheet saved while its month is being closed: the round is either refused (month closed) or counted in the
stored closing balance, never committed beside a closing that misses it.

Needs real concurrent connections, so it runs on PostgreSQL (CI's second pass); on SQLite, BEGIN IMMEDIATE
makes the two writers queue, so the losing interleaving cannot be arranged.
"""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections

from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import month_start
from jimpitan.tenancy import kampung_thread
from ledger.models import MonthClosing
from ledger.services import close_month
from nightly import services
from nightly.models import Round
from nightly.services import save_sheet
from tests.nightly.factories import make_rt, paid_rows

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"),
    pytest.mark.usefixtures("roles"),
]

# How long the paused save waits for the closing to finish. With the ledger lock the closing cannot finish
# while the save holds the lock, so the save waits this long and then commits; without it the closing
# finishes inside the window and the save commits after it.
PAUSE_SECONDS = 2.0


def test_sheet_saved_during_close_month_is_refused_or_counted(bendahara, monkeypatch):
    evening = month_start(evening_of()) - dt.timedelta(days=1)  # last evening of the month before
    month = month_start(evening)
    rt1, households1 = make_rt(number=1, households=4)
    rt2, households2 = make_rt(number=2, households=6)
    save_sheet(rt=rt1, evening=evening, user=bendahara, version=0, rows=paid_rows(households1, 500))

    rows_written = threading.Event()
    close_finished = threading.Event()
    real_set_collectors = services._set_collectors

    def set_collectors_then_pause(rnd, **kwargs):
        # The save's rows are written and its transaction is still open: hand over to the closing.
        real_set_collectors(rnd, **kwargs)
        rows_written.set()
        close_finished.wait(PAUSE_SECONDS)

    monkeypatch.setattr(services, "_set_collectors", set_collectors_then_pause)
    outcomes: dict[str, str] = {}

    def save() -> None:
        try:
            save_sheet(rt=rt2, evening=evening, user=bendahara, version=0, rows=paid_rows(households2, 1000))
            outcomes["save"] = "saved"
        except ValidationError as error:
            outcomes["save"] = f"refused: {error.code}"
        finally:
            rows_written.set()  # a refused save never reaches the hook
            connections.close_all()

    def close() -> None:
        try:
            rows_written.wait(10)
            close_month(month, bendahara, today=evening_of())
            outcomes["close"] = "closed"
        finally:
            close_finished.set()
            connections.close_all()

    threads = [kampung_thread(work) for work in (save, close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert outcomes["close"] == "closed"
    closing = MonthClosing.objects.get(month=month)
    if outcomes["save"] == "saved":
        # The round committed: the closing must have waited for it and counted it.
        assert Round.objects.filter(rt=rt2, evening=evening).get().total == 6000
        assert closing.closing_balance == 2000 + 6000
    else:
        assert outcomes["save"] == "refused: month_closed"
        assert not Round.objects.filter(rt=rt2).exists()
        assert closing.closing_balance == 2000
    call_command("check_ledger")
