"""Every user changes their own password at /sandi/, linked from the menu."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW = "ronda-malam-jumat-77"


@pytest.mark.parametrize("role", ["petugas", "pokja", "bendahara"])
def test_each_role_changes_their_own_password(client_as, role):
    client = client_as(role)
    page = client.get(reverse("home"))
    assert 'href="/sandi/"' in page.content.decode()
    response = client.post("/sandi/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200  # still signed in
    user = get_user_model().objects.get(username=role)
    assert user.check_password(NEW) and not user.check_password(PASSWORD)


def test_a_wrong_old_password_changes_nothing_and_says_so_in_indonesian(client_as):
    client = client_as("petugas")
    response = client.post("/sandi/", {"old_password": "bukan-ini", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    assert "Kata sandi lama salah" in response.content.decode()
    assert get_user_model().objects.get(username="petugas").check_password(PASSWORD)


def test_anonymous_is_sent_to_login(client, kampung, bendahara):
    response = client.get("/sandi/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
