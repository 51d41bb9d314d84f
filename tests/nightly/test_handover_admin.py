"""The admin's handover screen: totals and filters over the list; removal only through the service (open month,
the account's balance rule); no adding or editing there (the treasurer's page lists the rounds still held)."""

from __future__ import annotations

import datetime as dt

import pytest

from ledger.models import MonthClosing
from nightly.models import Handover
from tests.ledger.factories import hand_over, save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

NOV_2, NOV_3 = dt.date(2026, 11, 2), dt.date(2026, 11, 3)


@pytest.fixture
def handovers(bendahara):
    rt, households = make_rt(households=4)
    first = save_round(rt, households, NOV_2, bendahara)
    second = save_round(rt, households, NOV_3, bendahara)
    return (
        hand_over([first], NOV_3, bendahara, counted=1_500, explanation="Koin hilang"),
        hand_over([second], NOV_3, bendahara),
    )


def test_the_list_totals_the_filtered_handovers(client_as, handovers):
    page = client_as("bendahara").get("/admin/nightly/handover/").content.decode()
    assert "Rp 4.000" in page and "Rp 3.500" in page and "-Rp 500" in page  # expected, counted, difference
    assert "Koin hilang" in page and "received_on__year=2026" in page  # the explanation, the date filter
    assert "/admin/nightly/handover/add/" not in page


def test_removing_goes_through_the_service_and_a_closed_month_keeps_it(client_as, superuser, handovers):
    client = client_as("bendahara")
    first, second = handovers
    response = client.post(f"/admin/nightly/handover/{second.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Handover.objects.filter(pk=second.pk).exists()
    MonthClosing.objects.create(month=dt.date(2026, 11, 1), closing_balance=3_500, closed_by=superuser)
    assert client.get(f"/admin/nightly/handover/{first.pk}/delete/").status_code == 403
    MonthClosing.objects.all().delete()


def test_pokja_reads_but_does_not_remove(client_as, handovers):
    client = client_as("pokja")
    assert client.get("/admin/nightly/handover/").status_code == 200
    assert client.get(f"/admin/nightly/handover/{handovers[0].pk}/delete/").status_code == 403
