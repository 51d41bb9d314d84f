"""Logging out on the phone forgets Keliling's routes (private codes and addresses) and the taps already sent,
but never a tap not sent yet: the collector is asked first, and the tap stays on the phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from jimpitan.lib.evening import evening_of
from tests.browser import wait_for_service_worker, wait_for_taps_sent, wait_until
from tests.conftest import PASSWORD
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]

# What the phone holds: every tap, the number of routes, and the requests in the routes cache.
READ_PHONE = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("jimpitan-keliling");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = (name) => new Promise((resolve) => {
    const read = db.transaction(name).objectStore(name).getAll();
    read.onsuccess = () => resolve(read.result);
  });
  const taps = await all("taps");
  const routes = (await all("routes")).length;
  db.close();
  const cached = (await caches.keys()).includes("keliling-routes")
    ? (await (await caches.open("keliling-routes")).keys()).length : 0;
  return { taps, routes, cached };
}"""


def _sign_in(page: Page, base: str) -> None:
    page.goto(base + "/masuk/")
    page.get_by_label("Nama pengguna").fill("petugas")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def _open_route(page: Page, base: str, rt) -> None:
    page.goto(f"{base}/keliling/?rt={rt.pk}&malam={evening_of():%Y-%m-%d}")
    expect(page.locator("[data-k=address]")).to_have_text("No. 1")


def _log_out(page: Page) -> None:
    # As a collector does: on a page that has loaded, in a menu that has finished opening.
    page.wait_for_load_state()
    page.get_by_role("button", name="Buka menu").click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    page.get_by_role("button", name="Keluar").click()


def test_logout_forgets_the_route_on_the_phone(live_server, page: Page, petugas, screenshot_dir):
    rt, _ = make_rt(number=6, households=3)
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url)
    _open_route(page, live_server.url, rt)
    # Once the service worker holds the page, a reload fetches the route through it into Cache Storage.
    wait_for_service_worker(page)
    page.reload()
    expect(page.locator("[data-k=address]")).to_have_text("No. 1")
    page.get_by_role("button", name=re.compile(r"^Ada Rp 500")).click()
    wait_for_taps_sent(page, 1)
    before = page.evaluate(READ_PHONE)
    assert before["routes"] == 1 and before["cached"] >= 1 and [t["sent"] for t in before["taps"]] == [1]
    page.on("dialog", lambda dialog: pytest.fail(f"asked without unsent taps: {dialog.message}"))
    _log_out(page)
    expect(page).to_have_url(re.compile("/masuk/"), timeout=15000)
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    # Cleared before the logout, or by the signed-out page when the phone's storage was slow: either way, soon.
    wait_until(page, f"async () => ({READ_PHONE})().then((p) => !p.taps.length && !p.routes && !p.cached)")


def test_an_unsent_tap_survives_the_logout(live_server, browser, petugas, screenshot_dir):
    rt, houses = make_rt(number=6, households=3)
    # Without the service worker, the test holds the sync back: the second tap stays "not sent yet".
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    page = context.new_page()
    _sign_in(page, live_server.url)
    _open_route(page, live_server.url, rt)
    page.get_by_role("button", name=re.compile(r"^Ada Rp 500")).click()  # No. 1, sent
    wait_for_taps_sent(page, 1)
    page.route("**/keliling/sync/**", lambda route: route.abort())
    page.get_by_role("button", name="Kosong").click()  # No. 2, held back
    expect(page.locator("[data-k=pending]")).to_have_text("1 belum terkirim")
    asked = []

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    _log_out(page)
    for _ in range(50):  # the question comes once IndexedDB has answered
        if asked:
            break
        page.wait_for_timeout(100)
    expect(page.locator("[data-k=address]")).to_be_visible()  # still signed in, still on the round
    assert asked == ["1 ketukan Keliling belum terkirim. Ketukan itu tetap disimpan di HP ini. Tetap keluar?"]
    assert page.evaluate(READ_PHONE)["routes"] == 1  # nothing forgotten on "cancel"
    page.screenshot(path=f"{screenshot_dir}/logout-menu-360.png")
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile("/masuk/"), timeout=15000)
    wait_until(page, f"async () => ({READ_PHONE})().then((phone) => phone.routes === 0)")
    after = page.evaluate(READ_PHONE)
    assert [(t["household"], t["state"], t["sent"]) for t in after["taps"]] == [(houses[1].private_code, "kosong", 0)]
    context.close()


def test_logout_on_a_phone_that_never_opened_keliling_creates_nothing(live_server, page: Page, petugas):
    """Opening the database to clear it must not create it empty: keliling.js would then find version 1
    without its stores and could keep no tap."""
    rt, _ = make_rt(number=6, households=3)
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url)
    _log_out(page)
    expect(page).to_have_url(re.compile("/masuk/"), timeout=15000)
    assert page.evaluate("async () => (await indexedDB.databases()).map((d) => d.name)") == []
    _sign_in(page, live_server.url)
    _open_route(page, live_server.url, rt)
    assert page.evaluate(READ_PHONE)["routes"] == 1


def test_logout_goes_ahead_when_the_phones_storage_never_answers(live_server, page: Page, petugas):
    """An IndexedDB that hangs (an old phone's storage, another tab) must not keep the collector signed in."""
    page.add_init_script("indexedDB.open = () => ({});")
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url)
    expect(page).to_have_url(re.compile("/beranda/"))
    _log_out(page)
    expect(page).to_have_url(re.compile("/masuk/"), timeout=15000)
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()


def test_a_session_that_ran_out_forgets_the_route_but_keeps_unsent_taps(live_server, browser, petugas):
    rt, houses = make_rt(number=6, households=3)
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    page = context.new_page()
    _sign_in(page, live_server.url)
    _open_route(page, live_server.url, rt)
    page.route("**/keliling/sync/**", lambda route: route.abort())
    page.get_by_role("button", name="Kosong").click()  # No. 1, not sent
    expect(page.locator("[data-k=pending]")).to_have_text("1 belum terkirim")
    context.clear_cookies()  # the session is gone without a logout
    page.goto(live_server.url + "/masuk/")
    wait_until(page, f"async () => ({READ_PHONE})().then((phone) => phone.routes === 0)")
    taps = page.evaluate(READ_PHONE)["taps"]
    assert [(t["household"], t["state"], t["sent"]) for t in taps] == [(houses[0].private_code, "kosong", 0)]
    context.close()
