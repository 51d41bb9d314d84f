"""A petugas walks a small RT with the phone offline, reloads, comes back online: every tap is stored once."""

import re

import pytest
from playwright.sync_api import Page, expect

from nightly.models import Contribution, PhoneTap, Round
from tests.browser import wait_for_service_worker, wait_for_taps_sent
from tests.conftest import PASSWORD
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_a_full_round_offline_survives_a_reload_and_is_stored_once(live_server, page: Page, petugas, screenshot_dir):
    rt, houses = make_rt(number=4, households=5, usual_amount=500)
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url, "petugas")
    page.goto(f"{live_server.url}/keliling/?rt={rt.pk}")
    expect(page.locator("[data-k=progress]")).to_have_text("1 / 5")
    expect(page.locator("[data-k=address]")).to_have_text("No. 1")
    # The service worker takes the page over before the signal goes.
    wait_for_service_worker(page)
    page.screenshot(path=f"{screenshot_dir}/keliling-360.png", full_page=True)

    page.context.set_offline(True)
    page.get_by_role("button", name=re.compile(r"^Ada Rp 500")).click()  # No. 1
    expect(page.locator("[data-k=progress]")).to_have_text("2 / 5")
    page.get_by_role("button", name="Kosong").click()  # No. 2
    page.get_by_role("button", name="Titip").click()  # No. 3
    page.locator("#k-other").fill("1000")  # No. 4 gave more
    page.locator("#k-other").press("Enter")
    expect(page.locator("[data-k=progress]")).to_have_text("5 / 5")
    # Undo beats confirm: back one house, correct it, carry on.
    page.get_by_role("button", name=re.compile("Rumah sebelumnya")).click()
    expect(page.locator("[data-k=address]")).to_have_text("No. 4")
    page.get_by_role("button", name=re.compile(r"^Ada Rp 500")).click()  # No. 4 corrected to 500
    page.get_by_role("button", name=re.compile(r"^Ada Rp 500")).click()  # No. 5
    expect(page.locator("[data-k=pending]")).to_have_text("6 belum terkirim")
    page.screenshot(path=f"{screenshot_dir}/keliling-offline-360.png", full_page=True)
    assert not Contribution.objects.exists()

    # The phone reloads with no signal: the page comes from the service worker, the taps from IndexedDB.
    page.reload()
    expect(page.locator("[data-k=pending]")).to_have_text("6 belum terkirim")
    expect(page.locator("[data-k=address]")).to_be_visible()
    assert not Contribution.objects.exists()

    page.context.set_offline(False)
    expect(page.locator("[data-k=pending]")).to_be_hidden(timeout=15000)
    expect(page.locator("[data-k=sync-state]")).to_have_text("Semua terkirim")
    stored = {c.household_id: (c.state, c.amount) for c in Contribution.objects.all()}
    assert stored == {
        houses[0].pk: ("dibayar", 500),
        houses[1].pk: ("kosong", 0),
        houses[2].pk: ("titip", 500),
        houses[3].pk: ("dibayar", 500),
        houses[4].pk: ("dibayar", 500),
    }
    assert PhoneTap.objects.count() == 6
    rnd = Round.objects.get()
    assert rnd.total == 2000 and rnd.households_paid == 4

    # Another reload online sends nothing twice.
    page.reload()
    expect(page.locator("[data-k=sync-state]")).to_have_text("Semua terkirim")
    assert PhoneTap.objects.count() == 6 and Contribution.objects.count() == 5


def test_two_phones_on_one_rt_later_tap_wins_and_both_phones_see_it(
    live_server, page: Page, browser, petugas, bendahara
):
    rt, houses = make_rt(number=5, households=3, usual_amount=500)
    url = f"{live_server.url}/keliling/?rt={rt.pk}"
    _sign_in(page, live_server.url, "petugas")
    page.goto(url)
    other_context = browser.new_context(viewport={"width": 360, "height": 740})
    other = other_context.new_page()
    _sign_in(other, live_server.url, "bendahara")
    other.goto(url)
    expect(other.locator("[data-k=address]")).to_have_text("No. 1")

    page.get_by_role("button", name="Kosong").click()  # phone A: No. 1 empty
    wait_for_taps_sent(page, 1)
    expect(page.locator("[data-k=sync-state]")).to_have_text("Semua terkirim")
    other.get_by_role("button", name=re.compile(r"^Ada Rp 500")).click()  # phone B, later: No. 1 paid after all
    wait_for_taps_sent(other, 1)
    expect(other.locator("[data-k=sync-state]")).to_have_text("Semua terkirim")
    contribution = Contribution.objects.get()
    assert (contribution.state, contribution.amount) == ("dibayar", 500)
    assert [h.state for h in contribution.history.order_by("history_date")] == ["kosong", "dibayar"]
    assert Round.objects.get().total == 500

    # Phone A opens the round again: it shows the later value, not its own earlier tap.
    page.reload()
    page.locator("#k-jump").fill("1")
    page.locator("#k-jump").press("Enter")
    expect(page.locator("[data-k=mark]")).to_have_text("✓ Ada Rp 500")
    other_context.close()


def test_a_phone_and_the_treasurers_open_sheet_at_once(live_server, page: Page, browser, petugas, bendahara):
    """The treasurer opens the sheet; meanwhile the patrol's phone records a house as empty. Saving the sheet then
    overwrites nothing: it says the round changed, marks the house with what is stored, and only a second,
    deliberate save writes the treasurer's value (with history)."""
    rt, houses = make_rt(number=6, households=3, usual_amount=500)
    sheet_context = browser.new_context(viewport={"width": 360, "height": 740})
    sheet = sheet_context.new_page()
    _sign_in(sheet, live_server.url, "bendahara")
    sheet.goto(f"{live_server.url}/jimpitan/lembar/?rt={rt.pk}")
    sheet.get_by_role("button", name="Isi semua dengan jumlah biasa").click()
    expect(sheet.locator("#sheet-total")).to_have_text("Rp 1.500")

    _sign_in(page, live_server.url, "petugas")
    page.goto(f"{live_server.url}/keliling/?rt={rt.pk}")
    page.get_by_role("button", name="Kosong").click()  # No. 1, from the door
    wait_for_taps_sent(page, 1)
    expect(page.locator("[data-k=sync-state]")).to_have_text("Semua terkirim")
    assert Contribution.objects.get(household=houses[0]).state == "kosong"

    sheet.get_by_role("button", name="Simpan").click()
    expect(sheet.get_by_text("sudah diubah orang lain sejak lembar ini dibuka")).to_be_visible()
    expect(sheet.get_by_text(re.compile("Tersimpan: Kosong"))).to_be_visible()
    # Nothing of the sheet was written: the phone's tap stands alone.
    assert [(c.household_id, c.state) for c in Contribution.objects.all()] == [(houses[0].pk, "kosong")]

    sheet.get_by_role("button", name="Simpan").click()  # seen the difference, saved on purpose
    expect(sheet.get_by_text(re.compile("disimpan: Rp 1.500 dari 3 rumah"))).to_be_visible()
    first = Contribution.objects.get(household=houses[0])
    assert (first.state, first.amount) == ("dibayar", 500)
    assert [h.state for h in first.history.order_by("history_date")] == ["kosong", "dibayar"]
    assert Round.objects.get().total == 1500
    sheet_context.close()


def test_a_62_house_round_with_10_empty_takes_62_taps(live_server, page: Page, petugas):
    """One tap per house, nothing else: no confirm, no next button, no typing."""
    rt, houses = make_rt(number=7, households=62, usual_amount=500)
    empty = set(range(5, 62, 6))  # every sixth house from the sixth: 10 empty containers
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url, "petugas")
    page.goto(f"{live_server.url}/keliling/?rt={rt.pk}")
    expect(page.locator("[data-k=progress]")).to_have_text("1 / 62")
    taps = 0
    for index in range(62):
        expect(page.locator("[data-k=progress]")).to_have_text(f"{index + 1} / 62")
        page.get_by_role("button", name="Kosong" if index in empty else re.compile(r"^Ada Rp 500")).click()
        taps += 1
    expect(page.locator("[data-k=message]")).to_have_text("Semua rumah sudah dicatat. Terima kasih!")
    wait_for_taps_sent(page, 62)
    expect(page.locator("[data-k=sync-state]")).to_have_text("Semua terkirim")
    assert taps == 62 and len(empty) == 10
    rnd = Round.objects.get()
    assert (rnd.households_listed, rnd.households_paid, rnd.total) == (62, 52, 52 * 500)
    assert Contribution.objects.filter(state="kosong").count() == 10

    # The whole round is in: the recap for the WhatsApp group is one more tap away.
    recap = page.get_by_role("link", name="Rekap WhatsApp")
    expect(recap).to_have_class(re.compile("btn-success"))
    recap.click()
    expect(page.locator("#wa-text")).to_have_value(re.compile("Ada 52 · Kosong 10 · Titip 0"))
