"""Keliling's page, route, manifest and service worker as the phone fetches them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jimpitan.lib.evening import evening_of
from nightly.services import SheetRow, save_sheet
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db


def test_the_page_defaults_to_the_running_evening(client_as):
    rt, _houses = make_rt(households=2)
    client = client_as("petugas")
    response = client.get(reverse("keliling:page"), {"rt": rt.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-evening="{evening_of():%Y-%m-%d}"' in body
    assert "data-strings=" in body and "belum terkirim" in body and "keliling.js" in body
    assert client_as("pokja").get(reverse("keliling:page")).status_code == 403


def test_the_route_is_private_in_route_order_with_what_is_stored(client_as, bendahara):
    rt, houses = make_rt(households=3, usual_amount=700)
    evening = evening_of() - dt.timedelta(days=1)
    save_sheet(rt=rt, evening=evening, user=bendahara, version=0, rows=[SheetRow(houses[1].pk, "kosong", 0)])
    response = client_as("petugas").get(reverse("keliling:route", args=[rt.pk, evening.isoformat()]))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    data = response.json()
    assert [h["code"] for h in data["households"]] == [h.private_code for h in houses]
    assert [h["state"] for h in data["households"]] == ["", "kosong", ""]
    assert data["households"][0]["usual"] == 700
    assert client_as("petugas").get(reverse("keliling:route", args=[rt.pk, "kemarin"])).status_code == 404


def test_manifest_and_service_worker(client, bendahara):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["start_url"] == reverse("keliling:page") and data["scope"] == "/"
    assert any(icon["src"].endswith("icons/icon-192.png") for icon in data["icons"])
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    assert b"/keliling/" in worker.content and b"keliling.js" in worker.content
