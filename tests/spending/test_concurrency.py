"""Two treasurers saving at the same moment cannot both spend the same cash."""

import datetime as dt
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from jimpitan.tenancy import kampung_thread
from ledger import services as ledger_services
from ledger.selectors import current_balance
from spending import services
from spending.models import Expense
from tests.spending.factories import income

pytestmark = pytest.mark.usefixtures("roles")


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory shared-cache test database reports table locks instead of waiting; "
    "on a file database BEGIN IMMEDIATE serialises the writers",
)
@pytest.mark.django_db(transaction=True)
def test_two_writers_cannot_both_pass_the_balance_check(bendahara, monkeypatch):
    income(dt.date(2026, 5, 1), 1_000_000)
    # The balance rule lives in the books (ledger.services.run_balance_checked_write), which spending's saves use.
    real = ledger_services.lowest_balance_from

    def slow(day):
        # Widen the window between the check and the commit so that, without the lock, both pass.
        result = real(day)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(ledger_services, "lowest_balance_from", slow)
    outcomes: list[str] = []

    def treasurer(name: str) -> None:
        try:
            services.save_expense(
                Expense(spent_on=dt.date(2026, 5, 2), description=name, amount=600_000), user=bendahara
            )
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [kampung_thread(treasurer, f"Belanja {n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert Expense.objects.count() == 1
    assert current_balance() == 400_000
