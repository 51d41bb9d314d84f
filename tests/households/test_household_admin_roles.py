"""The household admin for a view-only staff user (Pokja): the change page opens, and phone search is the
treasurer's."""

import pytest
from django.urls import reverse

from tests.households.factories import make_household, make_rt

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(kampung):
    rt = make_rt(3)
    with_phone = make_household(rt, "Blok C2 No. 14", head_name="Bu Siti", phone="+6281234567890")
    make_household(rt, "Blok C2 No. 15", head_name="Pak Budi")
    return with_phone


def test_view_only_staff_can_open_the_household_change_page(client_as, households):
    response = client_as("pokja").get(reverse("admin:households_household_change", args=[households.pk]))
    assert response.status_code == 200
    assert "Blok C2 No. 14" in response.content.decode()


@pytest.mark.parametrize(("role", "found"), [("bendahara", True), ("pokja", False)])
def test_only_the_treasurer_finds_a_household_by_phone(client_as, households, role, found):
    response = client_as(role).get(reverse("admin:households_household_changelist"), {"q": "81234567890"})
    assert response.status_code == 200
    assert ("Blok C2 No. 14" in response.content.decode()) is found


def test_everyone_with_the_admin_still_finds_by_name(client_as, households):
    response = client_as("pokja").get(reverse("admin:households_household_changelist"), {"q": "Siti"})
    assert "Blok C2 No. 14" in response.content.decode()
