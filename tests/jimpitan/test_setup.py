import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from jimpitan.lib.setup_code import current_code
from jimpitan.models import KampungProfile
from jimpitan.roles import BENDAHARA, user_roles

pytestmark = pytest.mark.django_db

BASE = {
    "kampung-name": "Kampung KB Jimpitan",
    "kampung-rw": "05",
    "kampung-kelurahan": "Batujaya",
    "kampung-kecamatan": "Batuceper",
    "kampung-city": "Kota Tangerang",
    "user-username": "siti",
    "user-first_name": "Siti Aminah",
    "user-password1": "kas-kampung-2026",
    "user-password2": "kas-kampung-2026",
}


@pytest.fixture
def valid():
    """A complete first-run form, with the setup code the server printed."""
    return {**BASE, "setup-code": current_code()}


@pytest.mark.parametrize("path", ["/", "/beranda/", "/masuk/", "/admin/", "/pengaturan/"])
def test_every_page_leads_to_setup_while_no_user_exists(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("setup")


def test_setup_page_is_indonesian_by_default(client):
    response = client.get(reverse("setup"))
    assert response.status_code == 200
    assert "Akun Bendahara" in response.content.decode()


def test_setup_creates_profile_and_first_treasurer(client, valid):
    response = client.post(reverse("setup"), valid)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    profile = KampungProfile.load()
    assert profile.name == "Kampung KB Jimpitan"
    assert profile.usual_amount == 500
    assert profile.privacy_level == "rt"
    # The reports are signed by the Ketua Pokja (named later) and the new Bendahara.
    columns = list(profile.signature_columns.values_list("position", "role", "name"))
    assert columns == [(1, "Ketua Pokja", ""), (2, "Bendahara", "Siti Aminah")]
    user = get_user_model().objects.get(username="siti")
    assert user.is_superuser and user.is_staff
    assert user_roles(user) == {BENDAHARA}
    # The new treasurer is logged in and lands on the home page.
    assert client.get(reverse("home")).status_code == 200


def test_setup_answers_404_once_a_user_exists(client, bendahara, valid):
    assert client.get(reverse("setup")).status_code == 404
    assert client.post(reverse("setup"), valid).status_code == 404
    assert get_user_model().objects.count() == 1


def test_bad_setup_input_saves_nothing_and_explains(client, valid):
    data = {**valid, "user-password2": "something-else", "kampung-name": ""}
    response = client.post(reverse("setup"), data)
    assert response.status_code == 200
    assert KampungProfile.objects.count() == 0
    assert get_user_model().objects.count() == 0
    form_errors = response.context["kampung_form"].errors
    assert "name" in form_errors
    assert "password2" in response.context["user_form"].errors


def test_setup_refuses_a_common_password(client, valid):
    data = {**valid, "user-password1": "password123", "user-password2": "password123"}
    response = client.post(reverse("setup"), data)
    assert response.status_code == 200
    assert get_user_model().objects.count() == 0
