"""404 and 500 pages in the app's look, in Indonesian, without debug details when DEBUG is off."""

import pytest
from django.test import Client
from django.urls import path

pytestmark = pytest.mark.django_db


def _boom(request):
    secret_value = "SANGAT-RAHASIA-42"  # noqa: F841 - a local that the debug page would show
    raise RuntimeError("gagal di dalam view dengan SANGAT-RAHASIA-42")


urlpatterns = [path("boom/", _boom)]


def test_404_page_is_indonesian_without_debug_details(client, kampung, bendahara, settings):
    settings.DEBUG = False
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Halaman tidak ditemukan" in body
    assert kampung.name.replace('"', "&quot;") in body  # the app's own navbar
    assert "Using the URLconf" not in body and "urlpatterns" not in body
    assert "tidak-ada-halaman-ini" not in body  # the address is not echoed
    assert "Content-Security-Policy" in response.headers


def test_500_page_is_indonesian_without_debug_details(kampung, bendahara, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Terjadi kesalahan" in body
    assert "Data yang sudah tersimpan tetap aman" in body
    assert "SANGAT-RAHASIA-42" not in body
    assert "Traceback" not in body and "RuntimeError" not in body
    assert "bootstrap.min.css" in body
