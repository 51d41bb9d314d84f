"""A night belongs to the evening it began: the sheet's default date and the petugas window follow it."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from nightly.models import Round
from tests.nightly.factories import make_rt, sheet_post

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
URL = reverse("nightly:sheet")


@pytest.mark.parametrize(
    "clock,evening",
    [
        ((2026, 5, 4, 23, 59), dt.date(2026, 5, 4)),
        ((2026, 5, 5, 0, 1), dt.date(2026, 5, 4)),
        ((2026, 5, 5, 5, 59), dt.date(2026, 5, 4)),
        ((2026, 5, 5, 6, 0), dt.date(2026, 5, 5)),
    ],
    ids=["23:59", "00:01", "05:59", "06:00"],
)
def test_sheet_defaults_to_the_evening_the_night_began(client_as, clock, evening):
    rt, households = make_rt(households=2)
    client = client_as("petugas")
    with time_machine.travel(dt.datetime(*clock, tzinfo=JAKARTA), tick=False):
        response = client.get(f"{URL}?rt={rt.pk}")
        assert response.context["evening"] == evening
        if evening == dt.date(2026, 5, 4):
            assert "Malam Selasa, 4 Mei 2026" in response.content.decode()
        # Saving without choosing a date files the round under that evening.
        data = sheet_post(evening, rt, households)
        del data["malam"]
        assert client.post(URL, data).status_code == 302
    assert Round.objects.get().evening == evening


@pytest.mark.parametrize("days_back,allowed", [(0, True), (1, True), (2, False), (10, False)])
def test_petugas_may_record_only_the_last_two_evenings(client_as, days_back, allowed):
    rt, households = make_rt(households=2)
    client = client_as("petugas")
    with time_machine.travel(dt.datetime(2026, 5, 5, 1, 30, tzinfo=JAKARTA), tick=False):
        evening = dt.date(2026, 5, 4) - dt.timedelta(days=days_back)
        page = client.get(f"{URL}?malam={evening.isoformat()}&rt={rt.pk}")
        assert page.status_code == 200
        assert ('value="save"' in page.content.decode()) is allowed
        response = client.post(URL, sheet_post(evening, rt, households))
    assert response.status_code == (302 if allowed else 403)
    assert Round.objects.filter(evening=evening).exists() is allowed


def test_bendahara_may_record_an_older_evening_of_an_open_month(client_as):
    rt, households = make_rt(households=2)
    with time_machine.travel(dt.datetime(2026, 5, 20, 21, 0, tzinfo=JAKARTA), tick=False):
        response = client_as("bendahara").post(URL, sheet_post(dt.date(2026, 5, 2), rt, households))
    assert response.status_code == 302
    assert Round.objects.get().evening == dt.date(2026, 5, 2)
