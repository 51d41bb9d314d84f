"""On the phone, an away house (mudik) is marked and passed by: the collector never waits at its door."""

import re

import pytest
from playwright.sync_api import Page, expect

from households.models import AwayPeriod
from jimpitan.lib.evening import evening_of
from nightly.models import Contribution
from tests.browser import wait_for_taps_sent
from tests.conftest import PASSWORD
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def test_the_phone_passes_the_away_house_by(live_server, page: Page, petugas):
    rt, houses = make_rt(number=4, households=3, usual_amount=500)
    AwayPeriod.objects.create(household=houses[1], starts_on=evening_of(), ends_on=evening_of(), note="Lebaran")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("petugas")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{live_server.url}/keliling/?rt={rt.pk}")
    expect(page.locator("[data-k=address]")).to_have_text("No. 1")
    expect(page.locator("[data-k=list]")).to_contain_text("2. No. 2 · Mudik")
    page.get_by_role("button", name=re.compile(r"^Ada Rp 500")).click()
    # Straight from No. 1 to No. 3: the away house is skipped.
    expect(page.locator("[data-k=address]")).to_have_text("No. 3")
    page.get_by_role("button", name=re.compile(r"^Ada Rp 500")).click()
    expect(page.locator("[data-k=message]")).to_have_text("Semua rumah sudah dicatat. Terima kasih!")
    # Back one house from No. 3 passes it by too.
    page.get_by_role("button", name=re.compile("Rumah sebelumnya")).click()
    expect(page.locator("[data-k=address]")).to_have_text("No. 1")
    wait_for_taps_sent(page, 2)
    assert set(Contribution.objects.values_list("household_id", flat=True)) == {houses[0].pk, houses[2].pk}
