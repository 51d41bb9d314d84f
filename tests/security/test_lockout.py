"""Login throttling (django-axes): 5 failures lock that username from that address for 15 minutes."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOME_IP, STRANGER_IP = "10.0.0.5", "203.0.113.9"


def _login(client, password, ip, username="bendahara", **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def _fail(client, times, ip, username="bendahara"):
    for _ in range(times):
        response = _login(client, "salah-tebak", ip, username)
        assert response.status_code in (200, 429)
    return response


def test_four_failures_still_allow_the_right_password(client, bendahara):
    _fail(client, 4, HOME_IP)
    response = _login(client, PASSWORD, HOME_IP)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    # A success resets the count.
    assert not AccessAttempt.objects.filter(username="bendahara", failures_since_start__gt=0).exists()


def test_fifth_failure_locks_with_an_indonesian_page(client, bendahara):
    response = _fail(client, 5, HOME_IP)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Terlalu banyak percobaan masuk" in body
    assert "Tunggu 15 menit" in body
    # Even the right password is refused while locked, and no session is made.
    response = _login(client, PASSWORD, HOME_IP)
    assert response.status_code == 429
    assert client.get(reverse("home")).status_code == 302


def test_a_stranger_elsewhere_cannot_lock_the_treasurer_out(client, bendahara):
    _fail(client, 8, STRANGER_IP)
    assert _login(client, "salah", STRANGER_IP).status_code == 429
    response = _login(client, PASSWORD, HOME_IP)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_lockout_is_per_username_too(client, bendahara, petugas):
    _fail(client, 5, HOME_IP, username="bendahara")
    response = _login(client, PASSWORD, HOME_IP, username="petugas")
    assert response.status_code == 302


def test_lock_lifts_after_fifteen_minutes(client, bendahara):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, 5, HOME_IP)
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert _login(client, PASSWORD, HOME_IP).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        assert _login(client, PASSWORD, HOME_IP).status_code == 302


def test_superuser_unlocks_in_the_admin(client, bendahara, superuser):
    _fail(client, 5, HOME_IP)
    attempt = AccessAttempt.objects.get(username="bendahara", ip_address=HOME_IP)
    client.force_login(superuser)
    changelist = client.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and "bendahara" in changelist.content.decode()
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    client.logout()
    assert _login(client, PASSWORD, HOME_IP).status_code == 302


def test_the_treasurer_cannot_unlock_accounts(client, bendahara):
    client.force_login(bendahara)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_behind_the_proxy_the_real_address_counts(client, bendahara, settings):
    # nginx connects from 127.0.0.1 and passes the visitor in X-Real-IP.
    settings.BEHIND_HTTPS_PROXY = True
    for _ in range(5):
        _login(client, "salah", "127.0.0.1", HTTP_X_REAL_IP=STRANGER_IP)
    assert _login(client, PASSWORD, "127.0.0.1", HTTP_X_REAL_IP=STRANGER_IP).status_code == 429
    response = _login(client, PASSWORD, "127.0.0.1", HTTP_X_REAL_IP=HOME_IP)
    assert response.status_code == 302


def test_without_the_proxy_a_forged_header_is_ignored(client, bendahara, settings):
    settings.BEHIND_HTTPS_PROXY = False
    for n in range(5):
        _login(client, "salah", STRANGER_IP, HTTP_X_REAL_IP=f"192.0.2.{n}")
    assert _login(client, PASSWORD, STRANGER_IP, HTTP_X_REAL_IP="192.0.2.99").status_code == 429
