"""The city overview on a 360-px phone: each kampung's figures readable, nothing wider than the screen."""

import pytest
from playwright.sync_api import Page, expect

from jimpitan.lib.money import format_rupiah
from jimpitan.models import Kampung
from jimpitan.tenancy import FIRST_KAMPUNG_ID

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def test_city_overview_on_a_phone(live_server, page: Page, bendahara, screenshot_dir, settings):
    settings.JIMPITAN_KAMPUNG_ROUTING = "path"
    Kampung.objects.filter(pk=FIRST_KAMPUNG_ID).update(name="Kampung KB Kompak Berbagi Berkah", publishes_overview=True)
    Kampung.objects.create(slug="sukamaju-rw-07", name="Kampung Sukamaju Sejahtera RW 07", publishes_overview=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/ringkasan/")
    expect(page.get_by_role("heading", name="Ringkasan kota")).to_be_visible()
    expect(page.locator("[data-kampung]")).to_have_count(2)
    expect(page.locator("[data-figure=balance]").first).to_have_text(format_rupiah(0))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=f"{screenshot_dir}/city-overview-360.png", full_page=True)
