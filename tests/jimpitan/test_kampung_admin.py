"""The operator's list of kampungs in the admin: superusers only, suspend and resume with history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import RT, Household
from jimpitan.models import Kampung
from jimpitan.tenancy import activate

pytestmark = pytest.mark.django_db

LIST = "/admin/jimpitan/kampung/"


def add_kampung(slug: str, households: int) -> Kampung:
    kampung = Kampung.objects.create(slug=slug, name=f"Kampung {slug.title()}")
    with activate(kampung.pk):
        rt = RT.objects.create(number=1)
        for number in range(households):
            Household.objects.create(rt=rt, address=f"No. {number + 1}", head_name=f"Warga {number}")
    return kampung


def test_superuser_sees_every_kampung_with_its_household_count(client, superuser):
    add_kampung("mekar", 2)
    client.force_login(superuser)
    client.get(LIST)  # warms the caches a first page fills (content types, permissions)
    with CaptureQueriesContext(connection) as two:
        page = client.get(LIST)
    assert page.status_code == 200
    rows = page.context["cl"].result_list
    assert {kampung.slug: kampung.households for kampung in rows} == {"kampung": 0, "mekar": 2}
    add_kampung("sari", 3)
    add_kampung("jaya", 1)
    with CaptureQueriesContext(connection) as four:
        client.get(LIST)
    assert len(four) == len(two)  # the count is one annotated query, not one per kampung


def test_suspend_and_resume_leave_history(client, superuser):
    mekar = add_kampung("mekar", 0)
    client.force_login(superuser)
    response = client.post(LIST, {"action": "suspend", "_selected_action": [mekar.pk]})
    assert response.status_code == 302
    mekar.refresh_from_db()
    assert mekar.is_suspended
    client.post(LIST, {"action": "resume", "_selected_action": [mekar.pk]})
    mekar.refresh_from_db()
    assert not mekar.is_suspended
    changes = list(mekar.history.order_by("history_date").values_list("is_suspended", flat=True))
    assert changes == [False, True, False]
    assert Kampung.objects.get(slug="kampung").is_suspended is False


@pytest.mark.parametrize("role", ["bendahara", "petugas", "pokja"])
def test_a_treasurer_neither_sees_nor_changes_kampungs(client, users, role):
    mekar = add_kampung("mekar", 0)
    client.force_login(users[role])
    assert client.get(LIST).status_code in (302, 403)
    assert client.get(f"{LIST}{mekar.pk}/change/").status_code in (302, 403)
    client.post(LIST, {"action": "suspend", "_selected_action": [mekar.pk]})
    client.post(f"{LIST}{mekar.pk}/change/", {"name": "Diubah", "is_suspended": "on"})
    mekar.refresh_from_db()
    assert not mekar.is_suspended and mekar.name == "Kampung Mekar"
    if role == "bendahara":
        assert "/admin/jimpitan/kampung/" not in client.get("/admin/").content.decode()
