"""Who may open the register pages. Petugas keep view_household for the nightly sheet, but the register
(with phone numbers and private codes) is for Bendahara and Pokja only, and only Bendahara edits."""

import pytest
from django.urls import reverse

from households.models import Household
from tests.access import FORBIDDEN, LOGIN, OK, ROLES, assert_access
from tests.households.factories import make_household, make_rt

READ = (LOGIN, FORBIDDEN, OK, OK)
WRITE = (LOGIN, FORBIDDEN, FORBIDDEN, OK)

# page -> expected outcome for (anonymous, petugas, pokja, bendahara)
MATRIX = {
    ("households:list", ()): READ,
    ("households:export", ("csv",)): READ,
    ("households:export", ("xlsx",)): READ,
    ("households:detail", ("household",)): READ,
    ("households:rt_list", ()): READ,
    ("households:create", ()): WRITE,
    ("households:edit", ("household",)): WRITE,
    ("households:move", ("household",)): WRITE,
    ("households:delete", ("household",)): WRITE,
    ("households:rt_create", ()): WRITE,
    ("households:rt_edit", ("rt",)): WRITE,
    ("households:route", ("rt",)): WRITE,
    ("households:import", ()): WRITE,
    ("households:import_template", ("csv",)): WRITE,
    ("households:import_template", ("xlsx",)): WRITE,
}


@pytest.fixture
def objects(db):
    rt = make_rt(1)
    return {"rt": rt.pk, "household": make_household(rt, "No. 1", phone="+6281234567890").pk}


# (Not named "page": pytest-playwright would take such a test for a browser test.)
@pytest.mark.parametrize("target", MATRIX, ids=lambda p: f"{p[0]}{p[1]}")
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_access_matrix(client_as, objects, target, role_index):
    name, args = target
    url = reverse(name, args=[objects.get(a, a) for a in args])
    assert_access(client_as(ROLES[role_index]), url, MATRIX[target][role_index])


@pytest.mark.parametrize("role,expected", [("anonymous", 302), ("petugas", 403), ("pokja", 403), ("bendahara", 302)])
def test_import_commit_is_for_the_treasurer(client_as, role, expected):
    response = client_as(role).post(reverse("households:import_commit"), {"token": "x" * 32})
    assert response.status_code == expected


@pytest.mark.parametrize("role", ["petugas", "pokja"])
def test_non_treasurers_cannot_write(client_as, objects, role):
    client = client_as(role)
    pk = objects["household"]
    assert client.post(reverse("households:move", args=[pk]), {"moved_on": "2026-01-01"}).status_code == 403
    assert client.post(reverse("households:delete", args=[pk])).status_code == 403
    assert client.post(reverse("households:route", args=[objects["rt"]]), {"household": [pk]}).status_code == 403
    assert Household.objects.get(pk=pk).status == "aktif"


def test_pokja_reads_without_edit_buttons(client_as, objects):
    client = client_as("pokja")
    pk = objects["household"]
    listing = client.get(reverse("households:list")).content.decode()
    detail = client.get(reverse("households:detail", args=[pk])).content.decode()
    assert "+6281234567890" in detail
    for page in (listing, detail):
        assert reverse("households:create") not in page
        assert reverse("households:edit", args=[pk]) not in page
        assert reverse("households:import") not in page
    assert reverse("households:rt_create") not in client.get(reverse("households:rt_list")).content.decode()


def test_petugas_sees_no_register_link_nor_phones(client_as, objects):
    home = client_as("petugas").get(reverse("home")).content.decode()
    assert reverse("households:list") not in home
    assert "+6281234567890" not in home
    treasurer_home = client_as("bendahara").get(reverse("home")).content.decode()
    assert reverse("households:list") in treasurer_home
    assert reverse("households:import") in treasurer_home


@pytest.mark.parametrize("role,expected", [("pokja", 200), ("bendahara", 200)])
def test_admin_lists_households_for_staff_roles(client_as, objects, role, expected):
    client = client_as(role)
    response = client.get("/admin/households/household/")
    assert response.status_code == expected
    assert "Rp 500" in response.content.decode()
    assert client.get(f"/admin/households/household/{objects['household']}/history/").status_code == 200


def test_admin_route_position_is_editable_in_the_list_for_the_treasurer_only(client_as, objects):
    assert 'name="form-0-route_position"' in client_as("bendahara").get("/admin/households/household/").content.decode()
    assert 'name="form-0-route_position"' not in client_as("pokja").get("/admin/households/household/").content.decode()


def test_admin_normalises_phone_like_the_register_pages(client_as, objects):
    rt = objects["rt"]
    client = client_as("bendahara")
    data = {
        "rt": rt,
        "address": "No. 2",
        "head_name": "Bu Ani",
        "phone": "0812 1111 2222",
        "status": "aktif",
        "usual_amount": "700",
        "route_position": "3",
        "members": "",
        "moved_on": "",
        "joined_on": "",
        "notes": "",
    }
    response = client.post("/admin/households/household/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Household.objects.get(address="No. 2").phone == "+6281211112222"
    data.update(address="No. 3", phone="+1 555 0100")
    assert "Nomor HP harus nomor Indonesia" in client.post("/admin/households/household/add/", data).content.decode()
