"""Routing of a deployment of many kampungs: each kampung under /k/<slug>/ or on its own host name, chosen by
JIMPITAN_KAMPUNG_ROUTING; old single-kampung links lead to the kampung they belong to. Data isolation between
kampungs is not tested here (the scoped managers' tests): only where each request goes and what its links say."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_script_prefix
from django.utils import timezone

from households.models import Household
from jimpitan.models import Kampung, KampungProfile
from jimpitan.roles import BENDAHARA, PETUGAS, grant_role
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate
from tests.conftest import PASSWORD
from tests.households.factories import make_household, make_rt

pytestmark = pytest.mark.django_db

SUSPENDED = "Kampung ini sedang dihentikan sementara oleh pengelola."
HOST_SUFFIX = ".jimpitan.example"


@pytest.fixture
def two_kampungs(kampung, bendahara) -> tuple[Kampung, Kampung]:
    """Kampung "a" (the install's first) and "b", both past their first-run setup (each has its profile)."""
    Kampung.objects.filter(pk=FIRST_KAMPUNG_ID).update(slug="a")
    b = Kampung.objects.create(slug="b", name="Kampung B")
    KampungProfile.objects.create(kampung=b, name="Kampung B")
    grant_role(user=bendahara, role=BENDAHARA, kampung_id=b.pk)  # the same treasurer keeps both books here
    return Kampung.objects.get(pk=FIRST_KAMPUNG_ID), b


@pytest.fixture
def by_path(settings, two_kampungs):
    settings.JIMPITAN_KAMPUNG_ROUTING = "path"
    return two_kampungs


@pytest.fixture
def by_host(settings, two_kampungs):
    settings.JIMPITAN_KAMPUNG_ROUTING = "host"
    settings.JIMPITAN_KAMPUNG_HOST_SUFFIX = HOST_SUFFIX
    settings.ALLOWED_HOSTS = [HOST_SUFFIX, "testserver"]
    return two_kampungs


@pytest.fixture
def home_in_b(by_path) -> Household:
    with activate(by_path[1].pk):
        return make_household(make_rt(7), "Jl. Kenanga 3")


def _links(html: str) -> list[str]:
    """Every href/action/src of a page that points into the site (static files aside)."""
    urls = re.findall(r'(?:href|action|src)="(/[^"]*)"', html)
    return [url for url in urls if not url.startswith("/static/")]


@pytest.mark.parametrize(("slug", "other"), [("a", "b"), ("b", "a")])
def test_each_kampung_page_links_under_its_own_prefix(client, settings, by_path, slug, other):
    client.get("/robots.txt")  # the app is loaded (as a server is before its first request)
    settings.STATIC_URL = "static/"  # and then Django first reads the relative STATIC_URL during a kampung's request
    response = client.get(f"/k/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/static/css/app.css' in html and "/static/" not in html.replace('"/static/', "")
    links = _links(html)
    assert links and all(link.startswith(f"/k/{slug}/") for link in links), links
    assert not any(link.startswith(f"/k/{other}/") for link in links)


def test_prefix_without_slash_gets_it(client, by_path):
    response = client.get("/k/b?x=1")
    assert response.status_code == 302 and response["Location"] == "/k/b/?x=1"


def test_script_prefix_is_put_back_after_the_request(client, by_path):
    before = get_script_prefix()
    client.get("/k/b/")
    client.get("/k/b/rumah/")  # a redirect to the login
    assert get_script_prefix() == before


def test_login_redirect_carries_the_prefix(client, by_path):
    response = client.get("/k/a/beranda/")
    assert response.status_code == 302 and response["Location"] == "/k/a/masuk/?next=/k/a/beranda/"


def test_sign_in_round_trip_under_a_prefix(client, by_path, bendahara):
    assert client.get("/k/a/masuk/").status_code == 200  # its form posts back to the address it came from
    response = client.post("/k/a/masuk/?next=/k/a/beranda/", {"username": "bendahara", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/k/a/beranda/"
    home = client.get("/k/a/beranda/")
    assert home.status_code == 200 and home.wsgi_request.user.username == "bendahara"
    assert client.post("/k/a/keluar/")["Location"] == "/k/a/masuk/"


def test_household_page_and_its_sticker_carry_the_prefix(client, home_in_b, bendahara):
    assert client.get(f"/k/b/h/{home_in_b.private_code}/").status_code == 200
    client.force_login(bendahara)
    sheet = client.get("/k/b/stiker/")
    # What each sticker's QR code encodes.
    assert f"http://testserver/k/b/h/{home_in_b.private_code}/" in [s["url"] for s in sheet.context["stickers"]]


def test_share_links_carry_the_prefix(client, by_path, bendahara):
    page = client.get("/k/b/").content.decode()
    assert 'content="http://testserver/k/b/og.png"' in page
    assert 'content="http://testserver/k/b/"' in page
    client.force_login(bendahara)
    report = client.get(f"/k/b/buku/{timezone.localdate():%Y-%m}/laporan/")
    # The monthly report's WhatsApp text names the public page.
    assert report.status_code == 200 and "http%3A//testserver/k/b/" in report.context["whatsapp_url"]


def test_old_sticker_link_goes_to_its_household_kampung(client, home_in_b):
    response = client.get(f"/h/{home_in_b.private_code}/?bulan=2026-05")
    assert response.status_code == 302
    assert response["Location"] == f"/k/b/h/{home_in_b.private_code}/?bulan=2026-05"


def test_other_old_links_go_to_the_first_kampung(client, by_path):
    assert client.get("/")["Location"] == "/k/a/"
    assert client.get("/tahun/2026/?x=1")["Location"] == "/k/a/tahun/2026/?x=1"
    assert client.get("/h/not-a-code/")["Location"] == "/k/a/h/not-a-code/"


def test_deployment_paths_are_not_redirected(client, by_path):
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/favicon.ico")["Location"].startswith("/static/")
    # The city overview's address is the deployment's: never sent into a kampung (404 until it exists).
    assert client.get("/ringkasan/").status_code != 302


@pytest.mark.parametrize("path", ["/k/c/", "/k/c/masuk/", "/k/a.b/", "/k//"])
def test_unknown_slug_is_404(client, by_path, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("role", [None, "bendahara"])
def test_suspended_kampung_is_closed(client, by_path, bendahara, role):
    Kampung.objects.filter(slug="b").update(is_suspended=True)
    if role:
        client.force_login(bendahara)
    response = client.get("/k/b/")
    assert response.status_code == 503 and SUSPENDED in response.content.decode()
    assert client.get("/k/a/").status_code == 200


def test_suspended_kampung_speaks_english_too(client, by_path):
    Kampung.objects.filter(slug="b").update(is_suspended=True)
    client.post("/k/b/i18n/setlang/", {"language": "en", "next": "/k/b/"})
    response = client.get("/k/b/")
    assert response.status_code == 503 and "This kampung has been suspended for now by the operator." in (
        response.content.decode()
    )


def test_suspended_kampung_open_to_a_superuser(client, by_path, superuser):
    Kampung.objects.filter(slug="b").update(is_suspended=True)
    assert client.get("/k/b/masuk/").status_code == 200  # to sign in there
    client.force_login(superuser)
    assert client.get("/k/b/").status_code == 200


def test_pwa_scope_is_the_kampung(client, by_path, petugas):
    grant_role(user=petugas, role=PETUGAS, kampung_id=by_path[1].pk)
    client.force_login(petugas)
    manifest = json.loads(client.get("/k/b/manifest.webmanifest").content)
    assert manifest["scope"] == "/k/b/" and manifest["start_url"] == "/k/b/keliling/"
    worker = client.get("/k/b/sw.js")
    assert worker["Service-Worker-Allowed"] == "/k/b/"
    assert '"keliling/k/b/shell-' in worker.content.decode()
    assert 'data-sw-scope="/k/b/"' in client.get("/k/b/keliling/").content.decode()


def _get(client, host: str, path: str = "/"):
    return client.get(path, HTTP_HOST=host)


def test_host_mode_serves_each_kampung(client, by_host):
    response = _get(client, f"b{HOST_SUFFIX}")
    assert response.status_code == 200
    links = _links(response.content.decode())
    assert links and not any(link.startswith("/k/") for link in links)
    assert _get(client, f"b{HOST_SUFFIX}", "/beranda/")["Location"] == "/masuk/?next=/beranda/"
    assert _get(client, f"c{HOST_SUFFIX}").status_code == 404
    assert _get(client, f"x.b{HOST_SUFFIX}").status_code == 404


def test_host_mode_bare_host_is_the_deployment(client, by_host, kampung):
    with activate(Kampung.objects.get(slug="b").pk):
        home = make_household(make_rt(7), "Jl. Kenanga 3")
    bare = HOST_SUFFIX.lstrip(".")
    assert _get(client, bare, "/tahun/2026/")["Location"] == f"http://a{HOST_SUFFIX}/tahun/2026/"
    sticker = _get(client, bare, f"/h/{home.private_code}/")
    assert sticker["Location"] == f"http://b{HOST_SUFFIX}/h/{home.private_code}/"
    assert _get(client, bare, "/robots.txt").status_code == 200


def test_host_mode_suspended(client, by_host, superuser):
    Kampung.objects.filter(slug="b").update(is_suspended=True)
    assert _get(client, f"b{HOST_SUFFIX}").status_code == 503
    client.force_login(superuser)
    assert _get(client, f"b{HOST_SUFFIX}").status_code == 200


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_single_mode_unchanged_and_path_mode_costs_one_query(client, settings, two_kampungs, bendahara):
    client.force_login(bendahara)
    assert client.get("/k/a/").status_code == 404  # no prefixes on an install of one kampung
    client.get("/")  # warms the once-per-process lookups
    single = _queries(client, "/")
    settings.JIMPITAN_KAMPUNG_ROUTING = "path"
    client.get("/k/a/")
    assert _queries(client, "/k/a/") == single + 1  # the kampung, by its slug


def test_robots_rules_cover_every_kampung_by_path(client, by_path):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /k/*/h/\n" in robots and "Allow: /k/*/$\n" in robots
    assert "Disallow: /h/\n" not in robots


def test_another_kampungs_slug_and_sticker_codes_do_not_open_it_under_this_host(client, by_host):
    """Host mode: kampung A's host name never reaches B, neither by B's slug in the path nor by its codes."""
    with activate(by_host[1].pk):
        code = make_household(make_rt(7), "Jl. Kenanga 3").private_code
    assert _get(client, f"a{HOST_SUFFIX}", "/k/b/").status_code == 404
    assert _get(client, f"a{HOST_SUFFIX}", f"/h/{code}/").status_code == 404
    assert _get(client, f"b{HOST_SUFFIX}", f"/h/{code}/").status_code == 200
