"""Record a night for an RT on the sheet with the keyboard and the fill action, then find its total on the
rounds list and in the month calendar: on a laptop and on a 360-px phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from jimpitan.lib.evening import evening_of
from nightly.models import Contribution, Round
from tests.conftest import PASSWORD
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def _no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}], ids=["laptop", "phone"]
)
def test_record_a_night_with_keyboard_and_fill(live_server, page: Page, bendahara, viewport, screenshot_dir):
    rt, households = make_rt(number=3, households=8, usual_amount=500)
    name = str(viewport["width"])
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("bendahara")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    # The sheet is the first card on the home page.
    page.get_by_role("link", name=re.compile("Catat jimpitan malam ini")).click()
    page.get_by_role("link", name="RT 03").first.click()
    expect(page.get_by_role("heading", name=re.compile("Jimpitan malam RT 03"))).to_be_visible()
    assert _no_horizontal_scroll(page)

    # Keyboard: the first two households gave something else; Enter moves on to the next row.
    first = page.locator(f"#a-{households[0].pk}")
    first.click()
    page.keyboard.type("1000")
    page.keyboard.press("Enter")
    expect(page.locator(f"#a-{households[1].pk}")).to_be_focused()
    page.keyboard.type("200")
    page.keyboard.press("Enter")
    expect(page.locator(f"#a-{households[2].pk}")).to_be_focused()

    # One action fills the untouched rows with the usual amount; two taps mark the empty containers.
    page.get_by_role("button", name="Isi semua dengan jumlah biasa").click()
    expect(page.locator(f"#a-{households[0].pk}")).to_have_value("1000")
    expect(page.locator(f"#a-{households[5].pk}")).to_have_value("500")
    page.locator(f"label[for=s-{households[4].pk}-kosong]").click()
    page.locator(f"label[for=s-{households[6].pk}-kosong]").click()
    # 1000 + 200 + 4 x 500 = 3200, live.
    expect(page.locator("#sheet-total")).to_have_text("Rp 3.200")
    expect(page.locator("#sheet-paid")).to_have_text("6")
    page.locator("#id_counted_cash").fill("3.000")
    expect(page.locator("#sheet-diff")).to_have_text("-Rp 200")
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/nightly-sheet-{name}.png", full_page=True)

    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("disimpan: Rp 3.200 dari 6 rumah")).to_be_visible()
    rnd = Round.objects.get()
    assert (rnd.evening, rnd.total, rnd.households_paid, rnd.counted_cash) == (evening_of(), 3200, 6, 3000)
    assert Contribution.objects.filter(state="kosong").count() == 2

    page.goto(live_server.url + "/jimpitan/")
    expect(page.locator("table").get_by_text("Rp 3.200")).to_be_visible()
    expect(page.get_by_text("6 / 8 (75%)")).to_be_visible()
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/nightly-list-{name}.png", full_page=True)

    page.goto(live_server.url + "/jimpitan/kalender/")
    expect(page.locator("table.calendar").get_by_role("link", name="Rp 3.200")).to_be_visible()
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/nightly-calendar-{name}.png", full_page=True)
