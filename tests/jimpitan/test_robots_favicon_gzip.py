"""robots.txt shows search engines the public ledger only; /favicon.ico leads to the app's icon; rendered pages
are gzipped for a browser that asks, and the public page cache still hands each visitor their own CSRF token."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

PRIVATE = [
    "/h/",
    "/rumah/",
    "/kas/",
    "/buku/",
    "/jimpitan/",
    "/admin/",
    "/setup/",
    "/stiker/",
    "/beranda/",
    "/pengaturan/",
    "/masuk/",
]


def test_robots_txt_allows_the_public_ledger_and_nothing_private(client, bendahara):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Allow: /$" in lines
    for prefix in PRIVATE:
        assert f"Disallow: {prefix}" in lines, prefix
    assert "Disallow: /" not in lines  # the public ledger stays visible


def test_robots_txt_answers_before_the_first_run_setup(client, db):
    assert client.get("/robots.txt").status_code == 200


def test_favicon_leads_to_the_icon_and_the_icons_exist(client, bendahara):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("icons/favicon.ico")
    for name in ("icon.svg", "icon-192.png", "icon-512.png", "apple-touch-icon.png", "favicon-32.png", "favicon.ico"):
        assert finders.find(f"icons/{name}"), name
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and 'rel="apple-touch-icon"' in page


def test_pages_are_gzipped_for_a_browser_that_asks(client, bendahara):
    plain = client.get("/")
    assert "Content-Encoding" not in plain
    packed = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "<html" in html and len(packed.content) < len(plain.content) / 2


def test_the_shared_public_page_keeps_each_visitors_token_when_gzipped(client, bendahara):
    client.get("/", HTTP_ACCEPT_ENCODING="gzip")  # fills the shared cache
    tokens = []
    for _ in range(2):
        client.cookies.clear()
        response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
        html = gzip.decompress(response.content).decode()
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
        assert "csrf-token-of-this-visitor" not in html
    assert tokens[0] != tokens[1]


def test_images_are_not_gzipped_again(client, bendahara):
    response = client.get("/og.png", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and "Content-Encoding" not in response
