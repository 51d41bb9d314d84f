"""First-run setup → log out → log in → the treasurer's home, on a laptop and on a 360-px phone."""

import pytest
from playwright.sync_api import Page, expect

from jimpitan.lib.setup_code import current_code

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def _no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}], ids=["laptop", "phone"]
)
def test_first_run_setup_logout_login(live_server, page: Page, viewport, screenshot_dir):
    page.set_viewport_size(viewport)
    name = f"{viewport['width']}"
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/setup/")
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/setup-{name}.png", full_page=True)

    # The operator types the code the server printed (make run prints a link that fills it in instead).
    page.get_by_label("Kode penyiapan").fill(current_code().lower())
    page.get_by_label("Nama kampung").fill('Kampung KB Jimpitan "Kompak Berbagi Berkah"')
    page.get_by_label("Kelurahan/desa").fill("Batujaya")
    page.get_by_label("Kota/kabupaten").fill("Kota Tangerang")
    page.get_by_label("Nama pengguna").fill("siti")
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.locator("#id_user-password1").fill("kas-kampung-2026")
    page.locator("#id_user-password2").fill("kas-kampung-2026")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("heading", name="Halo, Siti Aminah")).to_be_visible()
    expect(page.get_by_text("Kampung Batujaya")).to_have_count(0)
    assert _no_horizontal_scroll(page)

    if viewport["width"] < 992:
        page.get_by_role("button", name="Buka menu").click()
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(live_server.url + "/masuk/")

    page.get_by_label("Nama pengguna").fill("siti")
    page.locator("#id_password").fill("kas-kampung-2026")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Halo, Siti Aminah")).to_be_visible()
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/home-{name}.png", full_page=True)
