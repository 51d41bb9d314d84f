import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_has_its_own_look(client, bendahara):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Masuk" in body
    assert "Django administration" not in body


def test_login_then_logout(client, bendahara):
    response = client.post(reverse("login"), {"username": "bendahara", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_message_is_indonesian(client, bendahara):
    response = client.post(reverse("login"), {"username": "bendahara", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_login_gives_a_new_session(client, bendahara):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen"
    client.post(reverse("login"), {"username": "bendahara", "password": PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen"


def test_logout_requires_post(client, bendahara):
    client.force_login(bendahara)
    assert client.get(reverse("logout")).status_code == 405


def test_logout_ends_the_session_on_the_server(client, bendahara):
    from django.contrib.sessions.models import Session

    client.post(reverse("login"), {"username": "bendahara", "password": PASSWORD})
    old_key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=old_key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=old_key).exists()
    # A copied cookie from before the logout no longer opens anything.
    client.cookies["sessionid"] = old_key
    assert client.get(reverse("home")).status_code == 302


def test_login_replaces_an_existing_session_key(client, bendahara):
    client.get(reverse("login"))
    session = client.session
    session["pre_login"] = "x"
    session.save()
    before = session.session_key
    client.post(reverse("login"), {"username": "bendahara", "password": PASSWORD})
    assert client.cookies["sessionid"].value != before
