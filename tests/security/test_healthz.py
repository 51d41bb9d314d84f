"""/healthz: 200 while the database answers, 503 when it does not; reachable before setup."""

from unittest import mock

import pytest
from django.db import OperationalError, connections

pytestmark = pytest.mark.django_db


def test_healthz_ok(client, kampung):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_before_first_run_setup(client):
    # No user exists: every other page leads to /setup/, the probe does not.
    assert client.get("/beranda/").status_code == 302
    assert client.get("/healthz").status_code == 200


def test_healthz_503_when_the_database_is_unreachable(client, kampung):
    with mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("unable to open database file")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert b"database unavailable" in response.content
    assert b"unable to open" not in response.content


def test_healthz_only_reads(client, kampung):
    assert client.post("/healthz").status_code == 405


def test_healthz_is_exempt_from_the_https_redirect(client, kampung, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/masuk/").status_code == 301
