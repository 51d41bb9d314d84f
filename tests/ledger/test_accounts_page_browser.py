"""The accounts page on a 360-px phone: long account names wrap, nothing scrolls sideways, the total shows."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from ledger.models import Account, AccountKind, Transfer, default_account_id
from ledger.services import record_balance_check
from tests.conftest import PASSWORD
from tests.spending.factories import income

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_accounts_page_fits_a_phone(live_server, page: Page, bendahara, kampung, lang, screenshot_dir):
    bank = Account.objects.create(name="Bank Rakyat Indonesia Simpedes Kantor Unit Batuceper", kind=AccountKind.BANK)
    Account.objects.create(name="Kotak kas pos ronda", kind=AccountKind.BOX)
    income(dt.date(2026, 5, 1), 11_738_900)
    Transfer.objects.create(
        transfer_date=dt.date(2026, 5, 2), from_account_id=default_account_id(), to_account=bank, amount=10_000_000
    )
    record_balance_check(account=bank, check_date=dt.date(2026, 5, 31), stated_balance=9_993_500, user=bendahara)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("bendahara")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page.goto(live_server.url + "/buku/akun/")
    expect(page.get_by_text("Rp 11.738.900")).to_be_visible()
    expect(page.get_by_text("Rp 1.738.900")).to_be_visible()
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    page.screenshot(path=f"{screenshot_dir}/accounts-{lang}-360.png", full_page=True)
