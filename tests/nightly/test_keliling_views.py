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


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def test_an_iphone_is_not_offered_the_home_screen_app_mode(client, bendahara):
    """iOS loses the camera in a standalone web app, so Pindai would stop working there."""
    iphone = client.get("/manifest.webmanifest", HTTP_USER_AGENT=IPHONE)
    android = client.get("/manifest.webmanifest", HTTP_USER_AGENT=ANDROID)
    assert iphone.json()["display"] == "browser"
    assert android.json()["display"] == "standalone"
    # One address, two answers: a cache in between must keep them apart.
    assert "User-Agent" in iphone["Vary"] and "User-Agent" in android["Vary"]


def _script_src(response) -> list[str]:
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words and words[0] == "script-src":
            return words[1:]
    return []


def test_only_the_keliling_page_may_compile_the_qr_decoder(client_as):
    rt, _houses = make_rt(households=1)
    client = client_as("petugas")
    page = client.get(reverse("keliling:page"), {"rt": rt.pk}, HTTP_USER_AGENT=IPHONE)
    assert "'wasm-unsafe-eval'" in _script_src(page)
    assert "'unsafe-eval'" not in _script_src(page) and "'unsafe-inline'" not in _script_src(page)
    assert "'wasm-unsafe-eval'" not in _script_src(client.get(reverse("home")))
    body = page.content.decode()
    # The scanner is fetched on the first Pindai only; no home-screen app mode is asked for on iOS either.
    assert 'data-scanner-script="/static/vendor/barcode-detector/ponyfill.js"' in body
    assert 'data-scanner-wasm="/static/vendor/zxing-wasm/zxing_reader.wasm"' in body
    assert 'ponyfill.js"></script>' not in body and '<script src="/static/vendor/barcode' not in body
    assert "apple-mobile-web-app-capable" not in body and "Pindai stiker" in body


def test_the_service_worker_keeps_the_scanner_in_a_cache_of_its_own(client, bendahara):
    worker = client.get("/sw.js").content.decode()
    assert '["/static/vendor/barcode-detector/ponyfill.js", "/static/vendor/zxing-wasm/zxing_reader.wasm"]' in worker
    assert 'const SCANNER_CACHE = "keliling-scanner-' in worker and "cache-scanner" in worker
