"""Signed-in pages and downloads say `Cache-Control: private, no-store`; anonymous public pages keep their own."""

import pytest
from django.urls import reverse

from tests.households.factories import make_household, make_rt

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["petugas", "pokja", "bendahara"])
@pytest.mark.parametrize("url", ["/beranda/", "/", "/rumah/"])
def test_signed_in_pages_are_never_stored(client_as, role, url):
    response = client_as(role).get(url)
    assert response.status_code in (200, 403)
    assert response["Cache-Control"] == "private, no-store"


def test_admin_export_download_is_never_stored(client_as, kampung):
    household = make_household(make_rt(1), "Blok A No. 1")
    client = client_as("bendahara")
    response = client.post(
        reverse("admin:households_household_changelist"), {"action": "export_csv", "_selected_action": [household.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_anonymous_public_pages_keep_their_caching(client, bendahara):
    image = client.get("/og.png")
    assert image["Cache-Control"].startswith("public, max-age=")
    page = client.get("/")
    assert page.status_code == 200
    assert "no-store" not in page.get("Cache-Control", "")
