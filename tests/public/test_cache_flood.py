"""The anonymous page cache cannot be flooded through the Host header's port."""

from __future__ import annotations

import pytest

from public import cache as public_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_keys(monkeypatch):
    keys: set[str] = set()
    real_set = public_cache.cache.set

    def recording_set(key, *args, **kwargs):
        keys.add(key)
        return real_set(key, *args, **kwargs)

    monkeypatch.setattr(public_cache.cache, "set", recording_set)
    return keys


def test_ports_in_the_host_header_make_no_cached_copies(client, bendahara, stored_keys, settings):
    settings.ALLOWED_HOSTS = ["kas.example"]
    assert client.get("/", HTTP_HOST="kas.example").status_code == 200
    for port in range(1, 201):
        response = client.get("/", HTTP_HOST=f"kas.example:{port}")
        assert response.status_code == 200  # still served, only not shared
    pages = {key for key in stored_keys if ":page:" in key}
    assert len(pages) == 1 and pages.pop().endswith("http://kas.example")


def test_the_port_the_server_listens_on_is_shared(client, bendahara, stored_keys, settings):
    settings.ALLOWED_HOSTS = ["192.168.1.5"]
    client.get("/", HTTP_HOST="192.168.1.5:8000", SERVER_PORT="8000")
    client.get("/", HTTP_HOST="192.168.1.5:8000", SERVER_PORT="8000")
    assert (
        {key for key in stored_keys if ":page:" in key}
        == {key for key in stored_keys if key.endswith("http://192.168.1.5:8000")}
        != set()
    )
