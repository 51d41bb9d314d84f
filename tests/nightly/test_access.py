"""Who may see and change nightly rounds: Petugas record recent evenings, Bendahara any open one, Pokja reads."""

import pytest
from django.urls import reverse

from jimpitan.lib.evening import evening_of
from nightly.models import Round
from nightly.services import save_sheet
from tests.access import FORBIDDEN, LOGIN, OK, ROLES, assert_access
from tests.nightly.factories import make_rt, paid_rows, sheet_post

pytestmark = pytest.mark.django_db

# page -> expected outcome of a GET for (anonymous, petugas, pokja, bendahara)
MATRIX = {
    "sheet": (LOGIN, OK, OK, OK),
    "total_only": (LOGIN, OK, OK, OK),
    "round_list": (LOGIN, OK, OK, OK),
    "round_export_csv": (LOGIN, OK, OK, OK),
    "calendar": (LOGIN, OK, OK, OK),
    "round_history": (LOGIN, OK, OK, OK),
    "household_month": (LOGIN, OK, OK, OK),
    "admin_round": (LOGIN, LOGIN, OK, OK),
    # Handovers (setoran): the treasurer records them; the Pokja reads them; the petugas sees neither.
    "handover_list": (LOGIN, FORBIDDEN, OK, OK),
    "handover_held": (LOGIN, FORBIDDEN, OK, OK),
    "handover_create": (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    "admin_handover": (LOGIN, LOGIN, OK, OK),
}


@pytest.fixture
def saved_round(bendahara):
    rt, households = make_rt(households=2)
    save_sheet(rt=rt, evening=evening_of(), user=bendahara, version=0, rows=paid_rows(households))
    return Round.objects.get(), households


def _url(name, rnd, households):
    query = f"?malam={rnd.evening.isoformat()}&rt={rnd.rt_id}"
    return {
        "sheet": reverse("nightly:sheet") + query,
        "total_only": reverse("nightly:total_only") + query,
        "round_list": reverse("nightly:round_list"),
        "round_export_csv": reverse("nightly:round_export", args=["csv"]),
        "calendar": reverse("nightly:calendar"),
        "round_history": reverse("nightly:round_history", args=[rnd.pk]),
        "household_month": reverse("nightly:household_month", args=[households[0].pk]),
        "admin_round": "/admin/nightly/round/",
        "handover_list": reverse("nightly:handover_list"),
        "handover_held": reverse("nightly:handover_held"),
        "handover_create": reverse("nightly:handover_create"),
        "admin_handover": "/admin/nightly/handover/",
    }[name]


@pytest.mark.parametrize("name", MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_access_matrix(client_as, saved_round, name, role_index):
    rnd, households = saved_round
    expected = MATRIX[name][role_index]
    client = client_as(ROLES[role_index])
    url = _url(name, rnd, households)
    if name.startswith("admin_") and expected == LOGIN:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    assert_access(client, url, expected)


@pytest.mark.parametrize(
    "role,expected", [("anonymous", LOGIN), ("petugas", 302), ("pokja", FORBIDDEN), ("bendahara", 302)]
)
def test_saving_the_sheet_per_role(client_as, saved_round, role, expected):
    rnd, households = saved_round
    data = sheet_post(rnd.evening, rnd.rt, households, version=1, amounts={households[0].pk: "1000"})
    response = client_as(role).post(reverse("nightly:sheet"), data)
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    else:
        assert response.status_code == expected
    rnd.refresh_from_db()
    assert rnd.total == (1500 if expected == 302 else 1000)


def test_pokja_sees_a_read_only_sheet(client_as, saved_round):
    rnd, _households = saved_round
    page = client_as("pokja").get(_url("sheet", rnd, _households)).content.decode()
    assert "Anda hanya bisa membaca lembar ini." in page
    assert 'value="save"' not in page and "disabled" in page


def test_pokja_cannot_record_a_total(client_as, saved_round):
    rnd, _households = saved_round
    response = client_as("pokja").post(_url("total_only", rnd, _households), {"version": "1", "total": "100"})
    assert response.status_code == 403


def test_admin_is_read_only_even_for_the_treasurer(client_as, saved_round):
    rnd, _households = saved_round
    client = client_as("bendahara")
    assert client.get("/admin/nightly/contribution/").status_code == 200
    assert client.get("/admin/nightly/round/add/").status_code == 403
    assert client.get(f"/admin/nightly/round/{rnd.pk}/history/").status_code == 200
    page = client.get("/admin/nightly/round/").content.decode()
    assert "Rp 1.000" in page


def test_home_and_menu_offer_the_sheet_first(client_as):
    page = client_as("petugas").get(reverse("home")).content.decode()
    assert "Catat jimpitan malam ini" in page
    assert page.index("Catat jimpitan malam ini") < page.index("Jimpitan malam</span>")
    assert reverse("nightly:sheet") in client_as("pokja").get(reverse("home")).content.decode()
    assert "Catat jimpitan malam ini" not in client_as("pokja").get(reverse("home")).content.decode()
