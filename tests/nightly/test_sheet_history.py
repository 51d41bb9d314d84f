"""Reopening a saved sheet lists each household once, however many past evenings it has rows for."""

import datetime as dt

import pytest
from django.urls import reverse

from jimpitan.lib.evening import evening_of
from nightly.models import Round
from nightly.selectors import sheet_households
from tests.nightly.factories import make_rt, sheet_post

pytestmark = pytest.mark.django_db
URL = reverse("nightly:sheet")


def test_reopened_sheet_lists_each_household_once_despite_its_history(client_as):
    rt, households = make_rt(households=3)
    client = client_as("bendahara")
    today = evening_of()
    for days_back in range(5, 0, -1):
        evening = today - dt.timedelta(days=days_back)
        assert client.post(URL, sheet_post(evening, rt, households)).status_code == 302
    rnd = Round.objects.get(rt=rt, evening=today - dt.timedelta(days=1))
    # One moved household stays on its saved round; the others are listed once each.
    moved = households[0]
    moved.status, moved.moved_on = "pindah", today
    moved.save()
    listed = sheet_households(rt, rnd, evening=rnd.evening)
    assert sorted(h.pk for h in listed) == sorted(h.pk for h in households)
    page = client.get(f"{URL}?malam={rnd.evening.isoformat()}&rt={rt.pk}").content.decode()
    assert page.count(f'name="a-{households[1].pk}"') == 1
    assert page.count(f'name="a-{moved.pk}"') == 1
