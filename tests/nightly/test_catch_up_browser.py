"""Paying ahead at the door: the phone passes the house by with "Sudah dibayar di muka", and the sheet's "Isi
semua" leaves it out; the round is saved without it."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from jimpitan.lib.evening import evening_of
from ledger.models import Account
from nightly.models import Contribution, Round
from nightly.services import record_catch_up
from tests.browser import wait_for_taps_sent
from tests.conftest import PASSWORD
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


@pytest.fixture
def paid_ahead(bendahara):
    rt, houses = make_rt(number=5, households=3, usual_amount=500)
    tonight = evening_of()
    record_catch_up(
        household=houses[1],
        paid_on=tonight - dt.timedelta(days=1),
        amount=3_500,
        account=Account.objects.get(is_default=True),
        evenings=[tonight + dt.timedelta(days=n) for n in range(7)],
        recorded_by=bendahara,
    )
    return rt, houses


def test_the_phone_passes_a_paid_ahead_house_by(live_server, page: Page, paid_ahead):
    rt, houses = paid_ahead
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url, "bendahara")
    page.goto(f"{live_server.url}/keliling/?rt={rt.pk}")
    expect(page.locator("[data-k=address]")).to_have_text("No. 1")
    page.get_by_role("button", name=re.compile(r"^Ada Rp 500")).click()
    expect(page.locator("[data-k=address]")).to_have_text("No. 2")
    expect(page.locator("[data-k=mark]")).to_have_text("✓ Sudah dibayar di muka")
    expect(page.get_by_role("button", name=re.compile(r"^Ada Rp 500"))).to_be_disabled()
    page.get_by_role("button", name=re.compile("Lewati")).click()
    expect(page.locator("[data-k=address]")).to_have_text("No. 3")
    page.get_by_role("button", name="Kosong").click()
    expect(page.locator("[data-k=message]")).to_have_text("Semua rumah sudah dicatat. Terima kasih!")
    wait_for_taps_sent(page, 2)
    stored = {c.household_id: c.state for c in Contribution.objects.all()}
    assert stored == {houses[0].pk: "dibayar", houses[2].pk: "kosong"}


def test_fill_all_on_the_sheet_leaves_a_paid_ahead_house_out(live_server, page: Page, paid_ahead):
    rt, houses = paid_ahead
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url, "bendahara")
    page.goto(f"{live_server.url}/jimpitan/lembar/?rt={rt.pk}")
    covered = page.locator(f"[data-household='{houses[1].pk}']")
    expect(covered).to_contain_text("Sudah dibayar di muka")
    page.get_by_role("button", name="Isi semua dengan jumlah biasa").click()
    expect(page.locator(f"#a-{houses[0].pk}")).to_have_value("500")
    expect(page.locator("#sheet-total")).to_have_text("Rp 1.000")
    expect(page.locator("#sheet-paid")).to_have_text("2")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator(".sheet-save").click()
    expect(page.get_by_text(re.compile("disimpan: Rp 1.000 dari 2 rumah"))).to_be_visible()
    rnd = Round.objects.get()
    assert rnd.total == 1_000 and not Contribution.objects.filter(household=houses[1]).exists()
