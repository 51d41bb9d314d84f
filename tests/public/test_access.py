"""Role matrix of the ledger's pages: the public ledger is open to all, stickers and new codes are the
treasurer's."""

import pytest
from django.urls import reverse

from households.models import RT, Household
from tests.access import FORBIDDEN, LOGIN, OK, ROLES, assert_access

PUBLIC = OK, OK, OK, OK
TREASURER = LOGIN, FORBIDDEN, FORBIDDEN, OK


@pytest.fixture
def household(kampung):
    return Household.objects.create(rt=RT.objects.create(number=1), address="No. 1", head_name="Ani")


@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_access_matrix(client_as, household, role_index):
    client = client_as(ROLES[role_index])
    matrix = {
        reverse("public_ledger"): PUBLIC,
        reverse("share_image"): PUBLIC,
        reverse("household_page", args=[household.private_code]): PUBLIC,
        reverse("sticker_sheet"): TREASURER,
        reverse("regenerate_code", args=[household.pk]): TREASURER,
    }
    for url, expected in matrix.items():
        assert_access(client, url, expected[role_index])


@pytest.mark.parametrize("role", ["anonymous", "petugas", "pokja"])
def test_only_the_treasurer_may_post_a_new_code(client_as, household, role):
    old = household.private_code
    client_as(role).post(reverse("regenerate_code", args=[household.pk]))
    household.refresh_from_db()
    assert household.private_code == old


def test_navbar_links_public_ledger_and_stickers_for_treasurer_only(client_as):
    assert reverse("sticker_sheet") in client_as("bendahara").get(reverse("home")).content.decode()
    petugas_home = client_as("petugas").get(reverse("home")).content.decode()
    assert reverse("sticker_sheet") not in petugas_home and "Laporan Kas Warga" in petugas_home
