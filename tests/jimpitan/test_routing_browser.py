"""A deployment by path on a 360-px phone: a kampung's public page at /k/<slug>/, its sign-in link, the sign-in
form posted under the prefix, and the Bendahara's home, all without leaving the kampung's addresses."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from jimpitan.models import Kampung
from jimpitan.tenancy import FIRST_KAMPUNG_ID
from tests.browser import wait_for_service_worker
from tests.conftest import PASSWORD
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def test_sign_in_under_a_kampung_prefix(live_server, page: Page, settings, kampung, bendahara, screenshot_dir):
    settings.JIMPITAN_KAMPUNG_ROUTING = "path"
    Kampung.objects.filter(pk=FIRST_KAMPUNG_ID).update(slug="kompak")
    Kampung.objects.create(slug="lain", name="Kampung Lain")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")  # an old link: sent to the first kampung
    expect(page).to_have_url(live_server.url + "/k/kompak/")
    page.get_by_role("link", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/k/kompak/masuk/"))
    page.get_by_label("Nama pengguna").fill("bendahara")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(live_server.url + "/k/kompak/beranda/")
    expect(page.get_by_role("heading", name=re.compile("Halo"))).to_be_visible()
    hrefs = page.eval_on_selector_all("a[href^='/']", "links => links.map((a) => a.getAttribute('href'))")
    assert hrefs and all(href.startswith("/k/kompak/") for href in hrefs), hrefs
    # The stylesheets came from /static/ (the green navbar), not from under the kampung's prefix.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).backgroundColor") != "rgba(0, 0, 0, 0)"
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    page.screenshot(path=f"{screenshot_dir}/routing-path-home-360.png", full_page=True)


def test_keliling_works_offline_under_a_kampung_prefix(live_server, page: Page, settings, kampung, petugas):
    settings.JIMPITAN_KAMPUNG_ROUTING = "path"
    Kampung.objects.filter(pk=FIRST_KAMPUNG_ID).update(slug="kompak")
    rt, _houses = make_rt(number=4, households=2, usual_amount=500)
    base = f"{live_server.url}/k/kompak/"
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base + "masuk/")
    page.get_by_label("Nama pengguna").fill("petugas")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{base}keliling/?rt={rt.pk}")
    expect(page.locator("[data-k=address]")).to_have_text("No. 1")
    # The worker registers for the kampung's pages: a scope of "/" from /k/kompak/sw.js would be refused.
    wait_for_service_worker(page)
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)") == base
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("[data-k=address]")).to_have_text("No. 1")
    page.context.set_offline(False)
