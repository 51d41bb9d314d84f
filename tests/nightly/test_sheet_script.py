"""sheet.js reads the state and amount rule from the form's data- attributes (rendered from ContributionState):
typing decides the state, a state decides the amount, and the live total counts what the server would."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def test_typing_and_tapping_follow_the_model_rule(live_server, page: Page, bendahara):
    rt, households = make_rt(number=3, households=4, usual_amount=500)
    first, second, third, fourth = (h.pk for h in households)
    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("bendahara")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{live_server.url}/jimpitan/lembar/?rt={rt.pk}")
    form = page.locator("#sheet-form")
    expect(form).to_have_attribute("data-paid-states", "dibayar titip")
    expect(form).to_have_attribute("data-empty-state", "kosong")

    page.locator(f"#a-{first}").fill("700")
    expect(page.locator(f"#s-{first}-dibayar")).to_be_checked()
    page.locator(f"#a-{first}").fill("0")
    expect(page.locator(f"#s-{first}-kosong")).to_be_checked()
    page.locator(f"#a-{first}").fill("")
    expect(page.locator(f"#s-{first}-kosong")).to_be_checked()  # only Ada falls back to "not collected"

    page.locator(f"label[for=s-{second}-titip]").click()
    expect(page.locator(f"#a-{second}")).to_have_value("500")  # a paid state without an amount takes the usual
    page.locator(f"#a-{second}").fill("1.000")
    expect(page.locator(f"#s-{second}-titip")).to_be_checked()  # Titip stays Titip

    page.locator(f"label[for=s-{third}-dibayar]").click()
    page.locator(f"#a-{third}").fill("1.00")  # not Rupiah: the server refuses it, so it counts nothing here
    page.locator(f"label[for=s-{fourth}-kosong]").click()
    expect(page.locator(f"#a-{fourth}")).to_have_value("0")
    expect(page.locator("#sheet-total")).to_have_text("Rp 1.000")
    expect(page.locator("#sheet-paid")).to_have_text("1")
