"""`make run` (manage.py serve): production-like on plain HTTP: no debug page, collected static files, a kept key,
the first-run link with the setup code, and the LAN's addresses allowed when bound to 0.0.0.0."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from jimpitan.lib.network import allowed_hosts_for, lan_addresses
from jimpitan.management.commands.serve import Command as ServeCommand

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path, migrated):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JIMPITAN_"))}
    env["JIMPITAN_VAR_DIR"] = str(tmp_path)
    migrated.sqlite_file(tmp_path / "db.sqlite3")  # what `make run`'s migrate step leaves
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        link = ""
        while not link:
            line = server.stdout.readline()
            assert line, "serve ended without printing a link"
            link = line.strip() if line.strip().startswith("http://") else ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield link, port, tmp_path
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.own_database
def test_make_run_serves_production_like_and_first_run_still_takes_one_link(served):
    link, port, var_dir = served
    code = (var_dir / "setup_code").read_text().strip()
    assert link == f"http://127.0.0.1:{port}/setup/?kode={code}"
    assert len((var_dir / "secret_key").read_text()) >= 50

    # A wrong Host header gets a plain 400, never Django's debug page with the settings and environment.
    status, body = _get(f"http://127.0.0.1:{port}/", Host="evil.example")
    assert status == 400
    assert "DisallowedHost" not in body and "Traceback" not in body and "SECRET_KEY" not in body

    # The printed link opens the setup page with the code filled in; its stylesheet comes from collected files.
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(link, timeout=10).read().decode()
    assert f'value="{code}"' in page
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)[1]
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet  # a hashed (manifest) name: collected
    assert _get(f"http://127.0.0.1:{port}{stylesheet}")[0] == 200

    # Over plain HTTP the form posts (cookies without the Secure flag, no HTTPS redirect) and sets up the kampung.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    form = {
        "csrfmiddlewaretoken": token,
        "setup-code": code,
        "kampung-name": "Kampung Uji",
        "kampung-rw": "05",
        "kampung-kelurahan": "Batujaya",
        "kampung-kecamatan": "Batuceper",
        "kampung-city": "Kota Tangerang",
        "user-username": "siti",
        "user-first_name": "Siti Aminah",
        "user-password1": "kas-kampung-2026",
        "user-password2": "kas-kampung-2026",
    }
    request = urllib.request.Request(link, data=urllib.parse.urlencode(form).encode(), headers={"Referer": link})
    home = opener.open(request, timeout=20)
    assert home.url == f"http://127.0.0.1:{port}/beranda/"
    assert "Halo, Siti Aminah" in home.read().decode()
    assert not (var_dir / "setup_code").exists()


def test_lan_hosts_are_allowed_when_bound_to_every_address(monkeypatch):
    monkeypatch.delenv("DJANGO_ALLOWED_HOSTS", raising=False)
    hosts = ServeCommand.server_env("0.0.0.0")["DJANGO_ALLOWED_HOSTS"].split(",")
    assert {"127.0.0.1", "localhost", socket.gethostname()} <= set(hosts)
    assert set(lan_addresses()) <= set(hosts)
    assert allowed_hosts_for("127.0.0.1") == ["127.0.0.1", "localhost", "[::1]"]


def test_an_operators_own_host_list_and_https_choices_win(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "kas.kampung.id")
    monkeypatch.setenv("JIMPITAN_SSL_REDIRECT", "1")
    env = ServeCommand.server_env("0.0.0.0")
    assert env["DJANGO_ALLOWED_HOSTS"] == "kas.kampung.id"
    assert env["JIMPITAN_SSL_REDIRECT"] == "1"
    assert env["JIMPITAN_SECURE_COOKIES"] == "0"


@pytest.mark.own_database
def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print(settings.DEBUG)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
