"""The household page opens for anyone who scans the sticker by the door: by default it shows the address
only, and the head of household's name only where the kampung chooses to."""

from __future__ import annotations

import pytest

from households.models import RT, Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(kampung):
    return Household.objects.create(rt=RT.objects.create(number=2), address="Gg. Melati 12", head_name="Siti Aminah")


def test_the_name_is_not_shown_by_default(client, bendahara, household):
    html = client.get(f"/h/{household.private_code}/").content.decode()
    assert "Gg. Melati 12" in html and "Siti Aminah" not in html


def test_the_kampung_can_choose_to_show_it(client, bendahara, household, kampung):
    kampung.show_head_name = True
    kampung.save()
    assert "Siti Aminah" in client.get(f"/h/{household.private_code}/").content.decode()
