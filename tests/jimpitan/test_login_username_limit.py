"""A guessing run spread over many addresses is stopped by a slower per-username limit (20 failures an hour)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, password, ip, username="bendahara"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _spread_failures(client, count):
    for n in range(count):
        assert _login(client, "salah-tebak", f"198.51.100.{n + 1}").status_code == 200


def test_twenty_failures_from_twenty_addresses_lock_the_username_everywhere(client, bendahara, petugas):
    _spread_failures(client, 20)
    response = _login(client, PASSWORD, "10.0.0.5")
    assert response.status_code == 429
    assert "dikunci sementara di semua perangkat" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    # Only that username: the collector still signs in.
    assert _login(client, PASSWORD, "10.0.0.5", username="petugas").status_code == 302


def test_nineteen_spread_failures_still_let_the_treasurer_in(client, bendahara):
    _spread_failures(client, 19)
    response = _login(client, PASSWORD, "10.0.0.5")
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_the_username_lock_lifts_after_an_hour(client, bendahara):
    _spread_failures(client, 20)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=1)):
        response = _login(client, PASSWORD, "10.0.0.5")
    assert response.status_code == 302
