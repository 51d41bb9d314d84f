"""A total-only round is capped by the RT's households times the per-house cap, with a clear message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from households.models import Household, HouseholdStatus
from jimpitan.lib.evening import evening_of
from nightly.models import Round
from nightly.services import save_total_only_round, total_cap
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db


@pytest.fixture
def rt(kampung):
    kampung.amount_cap = 10_000
    kampung.save()
    rt, _households = make_rt(3, 4)
    Household.objects.create(
        rt=rt, address="Pindahan", head_name="Lama", status=HouseholdStatus.MOVED, moved_on=evening_of()
    )
    return rt


def test_the_cap_is_the_routes_households_times_the_per_house_cap(rt):
    assert total_cap(rt) == 4 * 10_000


def test_the_service_refuses_a_total_over_the_cap(rt, bendahara):
    with pytest.raises(ValidationError) as refused:
        save_total_only_round(rt=rt, evening=evening_of(), user=bendahara, version=0, total=10**15)
    assert refused.value.code == "cap" and "Rp 40.000" in refused.value.messages[0]
    assert not Round.objects.exists()
    save_total_only_round(rt=rt, evening=evening_of(), user=bendahara, version=0, total=40_000)
    assert Round.objects.get().total == 40_000


def test_the_page_shows_the_message_next_to_the_total(client_as, rt):
    url = f"/jimpitan/total/?malam={evening_of().isoformat()}&rt={rt.pk}"
    response = client_as("petugas").post(url, {"version": 0, "total": "1.000.000.000.000.000"})
    assert response.status_code == 400
    assert "batas wajar" in str(response.context["form"].errors["total"])
    assert not Round.objects.exists()
