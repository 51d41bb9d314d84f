import pytest
from django.urls import reverse

from tests.access import FORBIDDEN, LOGIN, OK, ROLES, assert_access

# page -> expected outcome for (anonymous, petugas, pokja, bendahara)
MATRIX = {
    "home": (LOGIN, OK, OK, OK),
    "profile": (LOGIN, FORBIDDEN, FORBIDDEN, OK),
}


@pytest.mark.parametrize("name", MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_access_matrix(client_as, name, role_index):
    client = client_as(ROLES[role_index])
    assert_access(client, reverse(name), MATRIX[name][role_index])


@pytest.mark.parametrize("role,expected", [("anonymous", 302), ("petugas", 302), ("pokja", 200), ("bendahara", 200)])
def test_admin_index_only_for_staff_roles(client_as, role, expected):
    response = client_as(role).get("/admin/")
    assert response.status_code == expected


def test_pokja_views_admin_but_cannot_change(client_as, kampung):
    client = client_as("pokja")
    assert client.get("/admin/jimpitan/kampungprofile/").status_code == 200
    response = client.post(f"/admin/jimpitan/kampungprofile/{kampung.pk}/change/", {"name": "Diubah"})
    assert response.status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


def test_navbar_shows_only_what_the_role_may_use(client_as):
    petugas_page = client_as("petugas").get(reverse("home")).content.decode()
    assert reverse("profile") not in petugas_page
    assert "/admin/" not in petugas_page
    bendahara_page = client_as("bendahara").get(reverse("home")).content.decode()
    assert reverse("profile") in bendahara_page
